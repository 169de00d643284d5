package io.chaosproxy.internal;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands events to the proxy's listeners; a failing listener is logged and the others still hear. */
final class Events {
    private static final Logger log = LoggerFactory.getLogger(Events.class);

    private final List<ChaosListener> listeners;

    Events(List<ChaosListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    /** Builds the event only when someone listens: most proxies have no listener. */
    void fireIfListened(java.util.function.Supplier<? extends ChaosEvent> event) {
        if (!listeners.isEmpty()) {
            fire(event.get());
        }
    }

    void fire(ChaosEvent event) {
        for (ChaosListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (Throwable e) {
                // Anything: a test's assertThat (an AssertionError), a StackOverflowError from a listener that
                // recurses into the proxy; none of it may end an event loop.
                log.warn("listener {} failed on {}; the proxy goes on", listener, event.getClass().getSimpleName(), e);
            }
        }
    }
}
