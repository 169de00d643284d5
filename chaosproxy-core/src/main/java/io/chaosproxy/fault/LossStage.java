package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;

/** Applies one {@link Loss}: a "lost" chunk, and everything behind it, waits the retransmission delay. */
final class LossStage implements Stage {
    private final Loss fault;
    private final long retransmitNanos;
    private final StageContext context;

    LossStage(Loss fault, StageContext context) {
        this.fault = fault;
        this.retransmitNanos = fault.retransmitDelay().toNanos();
        this.context = context;
    }

    @Override
    public void onChunk(Chunk chunk) {
        if (!chunk.isEnd() && context.random().nextDouble() < fault.probability()) {
            context.injected("retransmit after " + fault.retransmitDelay().toMillis() + "ms");
            context.forwardAt(context.nanoTime() + retransmitNanos, chunk);
        } else {
            context.forward(chunk);   // behind any chunk still waiting: TCP delivers in order
        }
    }
}
