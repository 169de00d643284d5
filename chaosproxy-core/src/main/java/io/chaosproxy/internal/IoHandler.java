package io.chaosproxy.internal;

import java.nio.channels.SelectionKey;

/** What a selection key's attachment does when its channel is ready, or when its loop shuts down. */
interface IoHandler {

    /** Called on the loop thread with the key whose ready set is non-empty. */
    void onReady(SelectionKey key);

    /** Called on the loop thread when the loop closes while the key is still registered. */
    void onLoopClosing();

    /** Called on the loop thread after {@link #onReady} threw: a bug; end what the handler serves. */
    void onFailure();
}
