package io.chaosproxy.internal;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.FaultType;

/**
 * One fault on one connection: its type, whether its toxicity roll picked the connection, and where it acts: a
 * stage in each pipe it applies to (a data fault), or one connection stage. Loop thread only.
 */
final class FaultEntry {
    private final Fault fault;
    private final FaultType<?> type;
    private final FaultHost connection;
    final boolean own;       // added to this connection alone, not inherited from the route
    final boolean active;    // the toxicity roll: whether the fault applies to this connection at all
    /**
     * How many of a fault's injections on one connection the journal keeps: a fault that acts on every chunk (a
     * corrupt, a loss) would otherwise fill it with one connection's chunks. The rest are counted, not kept.
     */
    static final int JOURNALED_INJECTIONS = 10;

    private int injections;   // reported so far, up to JOURNALED_INJECTIONS
    StageLink upstreamStage;
    StageLink downstreamStage;
    ConnectionFaultLink connectionStage;

    FaultEntry(Fault fault, FaultType<?> type, FaultHost connection, boolean own, boolean active) {
        this.fault = fault;
        this.type = type;
        this.connection = connection;
        this.own = own;
        this.active = active;
    }

    Fault fault() {
        return fault;
    }

    FaultType<?> type() {
        return type;
    }

    FaultHost connection() {
        return connection;
    }

    /** Counts an injection; whether the journal keeps it (the first {@link #JOURNALED_INJECTIONS} only). */
    boolean journalInjection() {
        if (injections < JOURNALED_INJECTIONS) {
            injections++;
            return true;
        }
        return false;
    }

    /**
     * Runs the fault's stage code; whatever it throws resets the connection: a chunk it took may be lost, and a
     * reset is the only honest way to tell both sides.
     */
    void runGuarded(Runnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            connection.stageFailed(fault, t);
        }
    }
}
