package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;

/** Applies one {@link Terminate}: with its probability per chunk, the connection is aborted with an RST. */
final class TerminateStage implements Stage {
    private final Terminate fault;
    private final StageContext context;

    TerminateStage(Terminate fault, StageContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onChunk(Chunk chunk) {
        if (!chunk.isEnd() && context.random().nextDouble() < fault.probability()) {
            context.discard(chunk);
            context.injected("reset");
            context.reset(fault.name());
            return;
        }
        context.forward(chunk);
    }
}
