package io.chaosproxy.cli.trixter;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * The live connections of the Trixter route, oldest first, each with its knobs. As a listener of the proxy it
 * gives each new connection the starting knobs before its first byte, and forgets each one that ends.
 */
final class TrixterConnections implements ChaosListener {
    private final Map<Knob, Number> initial;
    private final Consumer<String> log;
    private final ConcurrentSkipListMap<Long, KnobbedConnection> live = new ConcurrentSkipListMap<>();

    /** Connections that start with the knobs {@code initial}; shutdowns are told to {@code log}. */
    TrixterConnections(Map<Knob, Number> initial, Consumer<String> log) {
        this.initial = Map.copyOf(initial);
        this.log = log;
    }

    @Override
    public void onEvent(ChaosEvent event) {
        if (event instanceof ChaosEvent.ConnectionOpened opened) {
            live.put(opened.connection().id(), new KnobbedConnection(opened.connection(), initial));
        } else if (event instanceof ChaosEvent.ConnectionClosed closed) {
            live.remove(closed.connection().id());
        }
    }

    /** Every live connection, oldest first. */
    List<KnobbedConnection> all() {
        return new ArrayList<>(live.values());
    }

    /** The live connection {@code id} names, or null: ids are our connection numbers, as strings. */
    KnobbedConnection find(String id) {
        Long number = number(id);
        return number == null ? null : live.get(number);
    }

    /**
     * Shuts connection {@code id} down, as Trixter does: it leaves the list at once, its sockets close, and the
     * reason goes to the log. Returns false when there is no such connection.
     */
    boolean shutdown(String id, String reason) {
        Long number = number(id);
        KnobbedConnection connection = number == null ? null : live.remove(number);
        if (connection == null) {
            return false;
        }
        close(connection, reason);
        return true;
    }

    /** Shuts every live connection down with {@code reason}. */
    void shutdownAll(String reason) {
        for (Long id : new ArrayList<>(live.keySet())) {
            KnobbedConnection connection = live.remove(id);
            if (connection != null) {
                close(connection, reason);
            }
        }
    }

    private void close(KnobbedConnection knobbed, String reason) {
        var connection = knobbed.connection();
        log.accept("trixter conn=" + knobbed.id() + " client=" + KnobbedConnection.socketAddress(
                connection.clientAddress()) + " upstream=" + KnobbedConnection.socketAddress(
                connection.upstreamAddress()) + " shutdown reason=" + quoted(reason));
        connection.close();
    }

    private static Long number(String id) {
        if (id.isEmpty() || !id.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;   // not "+1" or " 1", which parseLong would take
        }
        try {
            return Long.parseLong(id);
        } catch (NumberFormatException e) {
            return null;   // too large to be one of ours
        }
    }

    /** The reason in quotes, escaped so that a client cannot forge a log line. */
    static String quoted(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
