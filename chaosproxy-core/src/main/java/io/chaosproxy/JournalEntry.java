package io.chaosproxy;

import java.util.Locale;

/**
 * One thing the proxy did, as its {@link Journal} keeps it. Reads as one line:
 * {@code +15 ms db#3 reset_peer_downstream reset after 0ms}.
 *
 * @param seq        its position in the journal: 0 for the proxy's first entry, one more for each after it
 * @param nanos      when, in nanoseconds since the proxy started
 * @param route      the route's name
 * @param connection the connection's {@link ChaosConnection#id() id}; 0 for an entry about the route or an upstream
 * @param kind       what happened
 * @param subject    what it happened to, besides the connection: the fault's name ({@link Kind#INJECTED} and the
 *                   fault changes), the upstream as given (the upstream kinds), the run's id (the scenario
 *                   kinds); null for the others
 * @param detail     the rest, in words: {@code from 127.0.0.1:51234 to 127.0.0.1:5432}, {@code after 25 ms, 512 B
 *                   up, 1.2 KiB down (completed)}, a fault's own report ({@code bytes=1 at=4711})...; may be empty
 */
public record JournalEntry(long seq, long nanos, String route, long connection, Kind kind, String subject,
        String detail) {

    /** What an entry is about. */
    public enum Kind {
        /** A connection was accepted; detail: {@code from <client> to <upstream>}. */
        OPENED,
        /** A connection ended; detail: its duration, bytes each way and why. */
        CLOSED,
        /** A fault acted on a connection; subject: the fault's name; detail: what it did. */
        INJECTED,
        /** An upstream could not be reached; subject: the upstream; detail: the kind and the message. */
        UPSTREAM_ERROR,
        /** No upstream could be reached: the client was closed; detail: the upstreams tried. */
        NO_UPSTREAM,
        /** An upstream's health check changed its mind; subject: the upstream. */
        UPSTREAM_HEALTH,
        /** An upstream's circuit breaker changed state; subject: the upstream. */
        BREAKER,
        /** A fault was added to the route, or to the connection; subject: its name; detail: the fault. */
        FAULT_ADDED,
        /** A fault was replaced by one of the same name. */
        FAULT_UPDATED,
        /** A fault was removed. */
        FAULT_REMOVED,
        /** The route's faults were replaced at once ({@link Route#setFaults}); detail: their names. */
        FAULTS_SET,
        /** Every fault of the route was removed. */
        FAULTS_CLEARED,
        /** The route went back to the faults it started with. */
        FAULTS_RESTORED,
        /** The route was taken down. */
        DISABLED,
        /** The route was brought back. */
        ENABLED,
        /** The route's live connections were cut by a call. */
        CONNECTIONS_CLOSED,
        /** The route was added to the running proxy. */
        ROUTE_ADDED,
        /** The route was removed from the running proxy. */
        ROUTE_REMOVED,
        /**
         * A scenario's step was done ({@link ChaosEvent.ScenarioStepDone}); subject: the run's id; detail: the step,
         * counted from 1 (its cycle too, after the first), how late it was, and why it failed if it did.
         */
        SCENARIO_STEP,
        /** A scenario's run ended ({@link ChaosEvent.ScenarioEnded}); subject: the run's id; detail: how, the steps. */
        SCENARIO_ENDED,
        /** Any other {@link ChaosEvent}; detail: the event. */
        EVENT;

        /** The kind as JSON and the text name it: {@code reset_peer}'s style, e.g. {@code fault_added}. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether the entry is about one connection, rather than its route or an upstream. */
    public boolean hasConnection() {
        return connection != 0;
    }

    /** Milliseconds since the proxy started. */
    public long millis() {
        return nanos / 1_000_000;
    }

    /** Who: {@code db#3} for connection 3 of route {@code db}, {@code db} for the route itself. */
    public String who() {
        return hasConnection() ? route + "#" + connection : route;
    }

    /** What happened, in words: {@code opened from 127.0.0.1:51234 to 127.0.0.1:5432}. */
    public String what() {
        String label = switch (kind) {
            case INJECTED -> subject;
            case UPSTREAM_ERROR, UPSTREAM_HEALTH, BREAKER -> "upstream " + subject;
            case NO_UPSTREAM -> "no upstream reached";
            case FAULT_REMOVED -> "fault removed " + subject;
            case SCENARIO_STEP, SCENARIO_ENDED -> "scenario " + subject;
            default -> kind.wireName().replace('_', ' ');
        };
        return detail == null || detail.isEmpty() ? label : label + " " + detail;
    }

    /** The entry as one line: {@code +15 ms db#3 reset_peer_downstream reset after 0ms}. */
    @Override
    public String toString() {
        return "+" + millis() + " ms " + who() + " " + what();
    }
}
