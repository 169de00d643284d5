package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;

/** Applies one {@link Noop}: passes every chunk on as it came, so the engine lets data bypass it. */
final class NoopStage implements Stage {
    private final StageContext context;

    NoopStage(Noop fault, StageContext context) {
        this.context = context;
    }

    @Override
    public boolean forwardsEveryChunkUnchanged() {
        return true;
    }

    @Override
    public void onChunk(Chunk chunk) {
        context.forward(chunk);   // only if data reaches it after all (a harness, a stage added mid-chunk)
    }
}
