package io.chaosproxy.internal;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands events to the proxy's journal, then to its listeners; a failing listener is logged and the others still
 * hear.
 */
final class Events {
    private static final Logger log = LoggerFactory.getLogger(Events.class);

    private final List<ChaosListener> listeners;
    private final JournalLog journal;

    Events(List<ChaosListener> listeners, JournalLog journal) {
        this.listeners = List.copyOf(listeners);
        this.journal = journal;
    }

    boolean isEmpty() {
        return listeners.isEmpty();
    }

    /**
     * Builds the event only when the journal keeps it or someone listens: a proxy with neither (journal size 0, no
     * listener) allocates nothing for it.
     */
    void fireIfListened(java.util.function.Supplier<? extends ChaosEvent> event) {
        fireIfListened(event, true);
    }

    /** As above; with {@code journaled} false the journal leaves it out (a fault past its share, see Relay). */
    void fireIfListened(java.util.function.Supplier<? extends ChaosEvent> event, boolean journaled) {
        boolean journal = journaled && this.journal.enabled();
        if (!journal && listeners.isEmpty()) {
            return;
        }
        ChaosEvent built = event.get();
        if (journal) {
            JournalEvents.add(this.journal, built);   // before the listeners: what they do then comes after it
        }
        if (!listeners.isEmpty()) {
            fire(built);
        }
    }

    JournalLog journal() {
        return journal;
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
