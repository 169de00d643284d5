package io.chaosproxy.bench;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosListener;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the proxy said about each soak connection (its events: faults injected, why it closed), so a failure's
 * report tells the proxy's side too. Stories are kept by the client's port, the only thing both sides know;
 * the soak links each connection number to its port.
 */
final class ProxyJournal implements ChaosListener {
    private static final int EVENTS_PER_CONNECTION = 8;
    private static final int LINKS = 20_000;

    private final Map<Integer, Deque<String>> stories = new ConcurrentHashMap<>();
    private final Map<Long, Integer> ports = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Integer> eldest) {
            return size() > LINKS;
        }
    };

    /** Soak connection {@code id} is the one from {@code port}. */
    void link(long id, int port) {
        synchronized (ports) {
            ports.put(id, port);
        }
    }

    /** Runs on the proxy's event loop: a map lookup and a short string. */
    @Override
    public void onEvent(ChaosEvent event) {
        String line;
        int port;
        if (event instanceof ChaosEvent.ConnectionOpened opened) {
            // A new connection from a port: whatever an earlier one from that port left goes.
            stories.put(opened.connection().clientAddress().getPort(), new ArrayDeque<>());
            return;
        } else if (event instanceof ChaosEvent.FaultInjected injected) {
            port = injected.connection().clientAddress().getPort();
            line = injected.fault().name() + ": " + injected.detail();
        } else if (event instanceof ChaosEvent.ConnectionClosed closed) {
            port = closed.connection().clientAddress().getPort();
            line = "closed (" + closed.reason() + ") after " + closed.bytesUpstream() + " bytes up, "
                    + closed.bytesDownstream() + " down";
        } else {
            return;
        }
        Deque<String> story = stories.get(port);
        if (story != null) {
            synchronized (story) {
                if (story.size() == EVENTS_PER_CONNECTION) {
                    story.removeFirst();
                }
                story.addLast(line);
            }
        }
    }

    /** The proxy's last events for soak connection {@code id}, or a note that none are known. */
    String story(long id) {
        Integer port;
        synchronized (ports) {
            port = ports.get(id);
        }
        Deque<String> story = port == null ? null : stories.get(port);
        if (story == null) {
            return "proxy events: unknown";
        }
        synchronized (story) {
            return "proxy events: " + story;
        }
    }
}
