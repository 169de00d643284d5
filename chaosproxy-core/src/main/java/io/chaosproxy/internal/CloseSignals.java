package io.chaosproxy.internal;

/**
 * How each side of a closing connection learns of the end: a FIN, or an RST. Loss is never silent: a side gets an
 * RST whenever bytes on their way to it, or sent by it, are lost, so that no short stream looks complete.
 *
 * @param resetClient whether the client gets an RST
 * @param resetUpstream whether the upstream gets an RST
 */
record CloseSignals(boolean resetClient, boolean resetUpstream) {

    /**
     * The signals for a close {@code reset} (an RST to both), a {@code cut}, or else a close as a peer would.
     * <ul>
     * <li>A cut (the test, the proxy's shutdown, a blackhole's timeout) resets every stream whose sender had not
     * ended it, whatever the proxy holds at this instant: bytes on their way (or about to be written) are lost, and
     * a FIN would make a short stream look complete. A stream the sender ended, every byte delivered, has its FIN.
     * <li>A close as a peer would (a fault, an upstream that refuses) sends a FIN, except to a side for which the
     * proxy holds bytes or whose peer sent bytes still unread: they are lost. The sender of unread bytes gets an
     * RST too, as Linux does for a socket closed with unread data.
     * </ul>
     * {@code endedOnPurpose}, when not null, is the pipe a fault ended with a FIN to close the connection (limit
     * data): it keeps its FIN, and what it held past that end is cut by design.
     */
    static CloseSignals of(boolean reset, boolean cut, Pipe upstreamPipe, Pipe downstreamPipe, Pipe endedOnPurpose) {
        boolean resetClient = reset;
        boolean resetUpstream = reset;
        if (cut) {
            resetUpstream = upstreamPipe != endedOnPurpose && !upstreamPipe.deliveredWholeStream();
            resetClient = downstreamPipe != endedOnPurpose && !downstreamPipe.deliveredWholeStream();
        } else if (!reset) {
            // Bytes a side sent that wait unread are lost too: the kernel would answer them with an RST to their
            // sender, and their receiver must not take the close for a complete stream either.
            boolean clientUnread = upstreamPipe != endedOnPurpose && upstreamPipe.sourceHasUnreadBytes();
            boolean upstreamUnread = downstreamPipe != endedOnPurpose && downstreamPipe.sourceHasUnreadBytes();
            resetUpstream = upstreamUnread
                    || (upstreamPipe != endedOnPurpose && (upstreamPipe.holdsData() || clientUnread));
            resetClient = clientUnread
                    || (downstreamPipe != endedOnPurpose && (downstreamPipe.holdsData() || upstreamUnread));
        }
        return new CloseSignals(resetClient, resetUpstream);
    }
}
