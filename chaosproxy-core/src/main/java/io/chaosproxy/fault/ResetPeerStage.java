package io.chaosproxy.fault;

import io.chaosproxy.internal.Chunk;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;

/** Applies one {@link ResetPeer}: an RST to both sides when the timeout runs out. */
final class ResetPeerStage implements Stage {
    private final ResetPeer fault;
    private final StageContext context;

    ResetPeerStage(ResetPeer fault, StageContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onStart() {
        context.newTimer(this::reset).armIn(fault.timeout().toNanos());
    }

    private void reset() {
        context.injected("reset after " + fault.timeout().toMillis() + "ms");
        context.reset(fault.name());
    }

    @Override
    public boolean forwardsEveryChunkUnchanged() {
        return true;
    }

    @Override
    public void onChunk(Chunk chunk) {
        context.forward(chunk);
    }
}
