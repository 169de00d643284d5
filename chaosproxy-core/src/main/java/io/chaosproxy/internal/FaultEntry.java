package io.chaosproxy.internal;

import io.chaosproxy.Fault;

/**
 * One fault on one connection: whether its toxicity roll picked the connection, and its stage in each pipe
 * it applies to. Loop thread only.
 */
final class FaultEntry {
    private final Fault fault;
    private final ProxiedConnection connection;
    final boolean own;       // added to this connection alone, not inherited from the route
    final boolean active;    // the toxicity roll: whether the fault applies to this connection at all
    StageContext upstreamStage;
    StageContext downstreamStage;

    FaultEntry(Fault fault, ProxiedConnection connection, boolean own, boolean active) {
        this.fault = fault;
        this.connection = connection;
        this.own = own;
        this.active = active;
    }

    Fault fault() {
        return fault;
    }

    ProxiedConnection connection() {
        return connection;
    }
}
