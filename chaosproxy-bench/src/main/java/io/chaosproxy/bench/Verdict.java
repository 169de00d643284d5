package io.chaosproxy.bench;

/** How a received stream ended, judged against what its sender sent. */
enum Verdict {
    /** Every byte, the sender's SHA-256 equal to that of what arrived, then a clean end. */
    COMPLETE,
    /** A prefix of what was sent, then a reset or an error: a cut the receiver could see. */
    CUT,
    /** A prefix of what was sent, then a clean end: a loss that looks like success. */
    SILENT_TRUNCATION,
    /**
     * A prefix, then a clean end, in a direction whose {@code limitData} fault the proxy reported reached: the
     * FIN that fault exists to send, so not a failure.
     */
    LIMIT_REACHED,
    /** A byte that was not sent at that position, or bytes after the end. */
    PREFIX_VIOLATION,
    /** Stopped moving; the watchdog counted it and aborted the connection. */
    HUNG
}
