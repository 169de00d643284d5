package io.chaosproxy.spi;

import java.util.SplittableRandom;

/**
 * What a {@link ConnectionStage} may do to its connection. Loop thread only.
 */
public interface ConnectionContext {

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

    /** A timer whose action runs on the loop; cancelled when the fault is removed or the connection closes. */
    StageTimer newTimer(Runnable action);

    /** The loop's clock, in nanoseconds ({@link System#nanoTime()} in a running proxy). */
    long nanoTime();

    /** When the connection was accepted, in {@link #nanoTime()} time. */
    long connectionOpenedNanos();

    /** This fault's own random generator on this connection, split from the proxy's seed. */
    SplittableRandom random();

    /**
     * Closes both sides now, as a peer closing gracefully would: a FIN, or an RST to a side for which bytes were
     * in flight and are now lost.
     */
    void close(String reason);

    /** Aborts both sides with an RST now. */
    void reset(String reason);

    /** Reports that the fault did something: logged, counted by type and told to listeners. */
    void injected(String detail);
}
