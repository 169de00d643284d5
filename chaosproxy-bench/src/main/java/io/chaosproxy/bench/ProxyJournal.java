package io.chaosproxy.bench;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosListener;
import io.chaosproxy.Direction;
import io.chaosproxy.fault.LimitData;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
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
    private final Map<Integer, Set<Flow>> limitsReached = new ConcurrentHashMap<>();
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
            int from = opened.connection().clientAddress().getPort();
            stories.put(from, new ArrayDeque<>());
            limitsReached.remove(from);
            return;
        } else if (event instanceof ChaosEvent.FaultInjected injected) {
            port = injected.connection().clientAddress().getPort();
            line = injected.fault().name() + ": " + injected.detail();
            if (injected.fault() instanceof LimitData limit) {
                limitsReached.computeIfAbsent(port, p -> ConcurrentHashMap.newKeySet()).addAll(flows(limit.direction()));
            }
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

    /** Whether the proxy reported a {@code limitData} fault reached on soak connection {@code id} in {@code flow}. */
    boolean limitReached(long id, Flow flow) {
        Integer port = port(id);
        Set<Flow> limited = port == null ? null : limitsReached.get(port);
        return limited != null && limited.contains(flow);
    }

    private static Set<Flow> flows(Direction direction) {
        return switch (direction) {
            case UPSTREAM -> EnumSet.of(Flow.UP);
            case DOWNSTREAM -> EnumSet.of(Flow.DOWN);
            case BOTH -> EnumSet.allOf(Flow.class);
        };
    }

    private Integer port(long id) {
        synchronized (ports) {
            return ports.get(id);
        }
    }

    /** The proxy's last events for soak connection {@code id}, or a note that none are known. */
    String story(long id) {
        Integer port = port(id);
        Deque<String> story = port == null ? null : stories.get(port);
        if (story == null) {
            return "proxy events: unknown";
        }
        synchronized (story) {
            return "proxy events: " + story;
        }
    }
}
