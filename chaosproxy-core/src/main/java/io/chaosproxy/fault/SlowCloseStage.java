package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;

/** Applies one {@link SlowClose}: the end of the stream waits {@code delay}; data does not. */
final class SlowCloseStage implements Stage {
    private final SlowClose fault;
    private final StageContext context;

    SlowCloseStage(SlowClose fault, StageContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onChunk(Chunk chunk) {
        if (chunk.isEnd()) {
            context.injected("close delayed " + fault.delay().toMillis() + "ms");
            context.forwardAt(context.nanoTime() + fault.delay().toNanos(), chunk);
        } else {
            context.forward(chunk);
        }
    }
}
