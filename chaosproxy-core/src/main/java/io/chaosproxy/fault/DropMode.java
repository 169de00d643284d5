package io.chaosproxy.fault;

import java.util.Locale;

/** How a {@link Drop} treats a connection it drops. */
public enum DropMode {
    /** Closes the client's connection at once with a FIN: the client reads EOF. */
    CLOSE,
    /** Aborts it with an RST: the client sees "connection reset". */
    RESET,
    /** Accepts and never answers: the upstream is not contacted, the client waits until it gives up. */
    HANG;

    /** The lower-case name used in files and events: {@code close}, {@code reset}, {@code hang}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
