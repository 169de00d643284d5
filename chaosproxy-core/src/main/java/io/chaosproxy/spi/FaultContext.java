package io.chaosproxy.spi;

import java.util.SplittableRandom;

/**
 * What every fault's context offers, a data stage's ({@link StageContext}) and a connection stage's
 * ({@link ConnectionContext}) alike: the loop's clock and timers, the fault's own random generator, ending the
 * connection, and reporting what the fault did. Loop thread only.
 */
public interface FaultContext {

    /** A timer whose action runs on the loop; cancelled when the fault is removed or the connection closes. */
    StageTimer newTimer(Runnable action);

    /** The loop's clock, in nanoseconds ({@link System#nanoTime()} in a running proxy). */
    long nanoTime();

    /** When the connection was accepted, in {@link #nanoTime()} time. */
    long connectionOpenedNanos();

    /**
     * This fault's own random generator on this connection (and direction, for a data stage), split from the
     * proxy's seed.
     */
    SplittableRandom random();

    /**
     * Closes both sides now, as a peer closing gracefully would: a FIN, or an RST to a side for which bytes were
     * in flight (held, or unread in the proxy's socket) and are now lost.
     */
    void close(String reason);

    /** Aborts both sides with an RST now. */
    void reset(String reason);

    /** Reports that the fault did something: logged, counted by type and told to listeners. */
    void injected(String detail);
}
