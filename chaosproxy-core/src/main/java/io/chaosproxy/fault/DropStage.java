package io.chaosproxy.fault;

import io.chaosproxy.internal.Chunk;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;

/** Applies one {@link Drop} to one new connection, before its upstream is contacted. */
final class DropStage implements Stage {
    private final Drop fault;
    private final StageContext context;

    DropStage(Drop fault, StageContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onStart() {
        // Always draw, so that the decision for one connection never depends on another's.
        if (context.random().nextDouble() < fault.probability()) {
            context.drop(fault.mode());
        }
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
