package io.chaosproxy.fault;

import io.chaosproxy.internal.Chunk;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;

/** Applies one {@link MaxLifetime}: ends the connection when it has lived long enough. */
final class MaxLifetimeStage implements Stage {
    private final MaxLifetime fault;
    private final StageContext context;

    MaxLifetimeStage(MaxLifetime fault, StageContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onStart() {
        context.newTimer(this::end).armAt(context.connectionOpenedNanos() + fault.lifetime().toNanos());
    }

    private void end() {
        context.injected((fault.reset() ? "reset" : "closed") + " after " + fault.lifetime().toMillis() + "ms");
        if (fault.reset()) {
            context.reset(fault.name());
        } else {
            context.close(fault.name());
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
