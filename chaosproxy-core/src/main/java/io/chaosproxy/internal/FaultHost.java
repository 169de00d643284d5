package io.chaosproxy.internal;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Refusal;

/**
 * The connection as the faults on it see it: what their data stages ({@link StageLink}) and connection stages
 * ({@link ConnectionFaultLink}) may ask of it. Loop thread only.
 */
interface FaultHost {

    boolean isClosed();

    /** When the connection was accepted, on its loop's clock. */
    long openedNanos();

    RouteCounters counters();

    /** A fault's stage threw: a bug in it, which may have cost a chunk, so both sides get an RST. */
    void stageFailed(Fault fault, Throwable failure);

    /**
     * Counts, logs and reports (to listeners, and to the journal when {@code journaled}: see
     * {@link FaultEntry#JOURNALED_INJECTIONS}) that {@code fault} acted.
     */
    void faultInjected(Fault fault, String detail, boolean journaled);

    /**
     * Closes both sides, with an RST when {@code reset}. Without {@code reset}, as a peer would: a FIN, except to a
     * side for which bytes are lost.
     */
    void closeBy(String reason, boolean reset);

    /** Cuts the connection, as the test or a timeout does: an RST for every stream its sender had not ended. */
    void cut(String reason);

    /** Accepted, the upstream not contacted yet: a connection fault may still refuse it or hold its connect. */
    boolean isNew();

    /** Holds the upstream connect until {@code nanos} after the accept; false when it is too late for that. */
    boolean holdConnect(long nanos);

    /** Refuses a new connection as {@code how} says; false when it is too late for that. */
    boolean refuse(Refusal how, Fault fault, String detail);
}
