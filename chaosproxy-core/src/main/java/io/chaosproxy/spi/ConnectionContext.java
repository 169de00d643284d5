package io.chaosproxy.spi;

/**
 * What a {@link ConnectionStage} may do to its connection, beyond what every {@link FaultContext} offers. Loop
 * thread only.
 */
public interface ConnectionContext extends FaultContext {

    /** Whether the connection is new: accepted, the upstream not contacted yet. Only then can it be refused or held. */
    boolean isNew();

    /**
     * Contacts the upstream only {@code nanos} after the connection was accepted (the longest hold asked for
     * wins). Returns whether the connection was still new, and so held.
     */
    boolean holdConnect(long nanos);

    /**
     * Turns the new connection away before the upstream is contacted, and counts it as dropped; the detail is
     * reported as this fault's injection first. Returns whether the connection was still new, and so refused.
     */
    boolean refuse(Refusal how, String detail);
}
