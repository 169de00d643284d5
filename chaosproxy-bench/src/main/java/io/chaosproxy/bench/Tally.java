package io.chaosproxy.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The soak's counts, from every thread: streams by verdict and direction, bytes verified, and each failure. */
final class Tally {
    /** What makes a soak fail. */
    enum Failure {
        PREFIX_VIOLATION("prefix violations"),
        SILENT_TRUNCATION("silent truncations"),
        HANG("hangs"),
        CONTROL_ERROR("control errors"),
        CONNECT_ERROR("connect errors");

        private final String label;

        Failure(String label) {
            this.label = label;
        }

        String singular() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
    }

    private static final int EXAMPLES = 20;

    private final long startNanos = System.nanoTime();
    private final LongAdder connections = new LongAdder();
    private final LongAdder emptyUpstreamConnections = new LongAdder();
    private final LongAdder strangers = new LongAdder();
    private final LongAdder silentLossesOfWrittenBytes = new LongAdder();
    private final Map<Flow, Map<Verdict, LongAdder>> streams = new EnumMap<>(Flow.class);
    private final Map<Flow, LongAdder> verifiedBytes = new EnumMap<>(Flow.class);
    private final Map<Failure, LongAdder> failures = new EnumMap<>(Failure.class);
    private final Map<String, LongAdder> failuresByLastCut = new ConcurrentHashMap<>();
    private final List<String> examples = new ArrayList<>();
    private volatile FaultSchedule schedule;
    private volatile ProxyJournal journal;

    Tally() {
        for (Flow flow : Flow.values()) {
            Map<Verdict, LongAdder> byVerdict = new EnumMap<>(Verdict.class);
            for (Verdict verdict : Verdict.values()) {
                byVerdict.put(verdict, new LongAdder());
            }
            streams.put(flow, byVerdict);
            verifiedBytes.put(flow, new LongAdder());
        }
        for (Failure failure : Failure.values()) {
            failures.put(failure, new LongAdder());
        }
    }

    /** Lets each failure say which faults were on, which cut came last, and what the proxy said. */
    void describeWith(FaultSchedule schedule, ProxyJournal journal) {
        this.schedule = schedule;
        this.journal = journal;
    }

    void connectionOpened() {
        connections.increment();
    }

    /** Counts one received stream; its verified bytes, and a failure if the verdict is one. */
    void stream(Flow flow, long id, Verdict verdict, StreamCheck check) {
        ProxyJournal proxy = journal;
        if (verdict == Verdict.SILENT_TRUNCATION && proxy != null && proxy.limitReached(id, flow)) {
            verdict = Verdict.LIMIT_REACHED;   // README: limitData's one deliberate clean FIN
        }
        streams.get(flow).get(verdict).increment();
        verifiedBytes.get(flow).add(check.verifiedBytes());
        if (verdict == Verdict.PREFIX_VIOLATION) {
            failure(Failure.PREFIX_VIOLATION, flow + " conn " + id + ": " + check.problem() + " ("
                    + check.describe() + "); " + story(id));
        } else if (verdict == Verdict.SILENT_TRUNCATION) {
            if (check.lostWrittenBytes()) {
                silentLossesOfWrittenBytes.increment();
            }
            failure(Failure.SILENT_TRUNCATION, flow + " conn " + id + ": " + check.problem() + "; " + story(id));
        }
    }

    /** What the proxy said about soak connection {@code id}. */
    String story(long id) {
        ProxyJournal proxy = journal;
        return proxy == null ? "" : proxy.story(id);
    }

    /** Counts a stream cut within its header: its connection is unknown, nothing to verify. */
    void headerLost(Verdict verdict, int arrived) {
        streams.get(Flow.UP).get(verdict).increment();
        if (verdict == Verdict.SILENT_TRUNCATION) {
            failure(Failure.SILENT_TRUNCATION, Flow.UP + " of a connection not known yet: a clean end after "
                    + arrived + " of the header's " + Header.LENGTH + " bytes");
        }
    }

    /**
     * Counts a connection the proxy opened to the upstream and closed before any byte: not judged, since the
     * soak cannot tell it from a stranger's (its client would have seen the cut on the other direction).
     */
    void emptyUpstreamConnection() {
        emptyUpstreamConnections.increment();
    }

    /** Counts a connection to the upstream whose first bytes are not a soak header: another process's. */
    void stranger() {
        strangers.increment();
    }

    void failure(Failure kind, String what) {
        failures.get(kind).increment();
        FaultSchedule faults = schedule;
        if (faults != null) {
            failuresByLastCut.computeIfAbsent(kind.label + " after " + faults.lastCutKind(), k -> new LongAdder())
                    .increment();
        }
        synchronized (examples) {
            if (examples.size() < EXAMPLES) {
                examples.add(String.format("%.1f s, %s: %s%s", seconds(), kind.singular(), what,
                        faults == null ? "" : "; " + faults.describe()));
            }
        }
    }

    long failures() {
        return failures.values().stream().mapToLong(LongAdder::sum).sum();
    }

    long count(Flow flow, Verdict verdict) {
        return streams.get(flow).get(verdict).sum();
    }

    long verifiedBytes(Flow flow) {
        return verifiedBytes.get(flow).sum();
    }

    long connections() {
        return connections.sum();
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** One line, for progress while the soak runs. */
    String progress() {
        return String.format("%4.0f s: %d connections, verified %s up and %s down, %d cuts, %d failures",
                seconds(), connections(), mib(verifiedBytes(Flow.UP)), mib(verifiedBytes(Flow.DOWN)),
                count(Flow.UP, Verdict.CUT) + count(Flow.DOWN, Verdict.CUT), failures());
    }

    void print(PrintStream out) {
        out.printf("connections: %d%n", connections());
        for (Flow flow : Flow.values()) {
            out.printf("%s: %s verified; streams %d complete (SHA-256 equal), %d cut with a reset or error,"
                    + " %d ended by limitData's FIN, %d silently truncated, %d prefix violations, %d hung%n", flow,
                    mib(verifiedBytes(flow)), count(flow, Verdict.COMPLETE), count(flow, Verdict.CUT),
                    count(flow, Verdict.LIMIT_REACHED), count(flow, Verdict.SILENT_TRUNCATION),
                    count(flow, Verdict.PREFIX_VIOLATION), count(flow, Verdict.HUNG));
        }
        out.printf("upstream connections not judged: %d closed before any byte, %d not from the soak%n",
                emptyUpstreamConnections.sum(), strangers.sum());
        StringBuilder line = new StringBuilder("failures: " + failures());
        failures.forEach((kind, n) -> line.append(", ").append(n.sum()).append(' ').append(kind.label));
        out.println(line);
        long silent = failures.get(Failure.SILENT_TRUNCATION).sum();
        if (silent > 0) {
            out.printf("  silent truncations: %d lost bytes the sender had written, %d ended with a FIN before the"
                    + " sender wrote the rest%n", silentLossesOfWrittenBytes.sum(),
                    silent - silentLossesOfWrittenBytes.sum());
        }
        new TreeMap<>(failuresByLastCut).forEach((what, n) -> out.printf("  %d %s%n", n.sum(), what));
        synchronized (examples) {
            if (!examples.isEmpty()) {
                out.printf("first %d failures:%n", examples.size());
                examples.forEach(example -> out.println("  " + example));
            }
        }
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
