package io.chaosproxy.spi;

/**
 * Applies one connection fault (one that acts on a connection as a whole, not on its bytes: refuse it, delay its
 * connect, end it later) to one connection. Runs on the connection's loop only; never blocks.
 */
public interface ConnectionStage {

    /**
     * The connection was accepted and the upstream is not contacted yet; or the fault was added to a live
     * connection ({@link ConnectionContext#isNew()} tells which).
     */
    void onStart();

    /** The fault is being removed; its timers are cancelled after this returns. */
    default void onRemove() {
    }
}
