package io.chaosproxy.spi;

/** How a connection fault turns a new connection away ({@link ConnectionContext#refuse}). */
public enum Refusal {
    /** A FIN to the client: it reads EOF. */
    CLOSE,
    /** An RST to the client: it sees "connection reset". */
    RESET,
    /** Accepted and never answered: what the client sends is read and discarded until it gives up. */
    HANG
}
