package io.chaosproxy;

import java.util.Locale;

/** Which way through a route a fault applies to. */
public enum Direction {
    /** Client to upstream: requests, writes. */
    UPSTREAM,
    /** Upstream to client: responses, reads. Toxiproxy's default, and ours. */
    DOWNSTREAM,
    /** Both ways: the fault applies to each direction on its own. */
    BOTH;

    /** Whether a fault with this direction applies to {@code stream} ({@code UPSTREAM} or {@code DOWNSTREAM}). */
    public boolean covers(Direction stream) {
        return this == BOTH || this == stream;
    }

    /** The lower-case name Toxiproxy uses for a stream: {@code upstream}, {@code downstream}, {@code both}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
