package io.chaosproxy.internal;

import java.nio.channels.SelectionKey;

/** What a selection key's attachment does when its channel is ready, or when its loop shuts down. */
interface IoHandler {

    /** Called on the loop thread with the key whose ready set is non-empty. */
    void onReady(SelectionKey key);

    /**
     * Called on the loop thread when the loop closes while the key is still registered: the proxy is closing,
     * or the loop {@code failed} (then what the handler serves is reset).
     *
     * @return whether the channel outlives the loop (a listener moving to a new acceptor); else the loop closes it
     */
    boolean onLoopClosing(boolean failed);

    /** Called on the loop thread after {@link #onReady} threw: a bug; end what the handler serves. */
    void onFailure();
}
