package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;

/** Applies one {@link PacketLoss} to one direction of one connection: drops chunks, in bursts if correlated. */
final class PacketLossStage implements Stage {
    private final PacketLoss fault;
    private final StageContext context;
    private boolean droppedLast;

    PacketLossStage(PacketLoss fault, StageContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onChunk(Chunk chunk) {
        if (chunk.isEnd()) {
            context.forward(chunk);   // the end is no packet: the stream still ends, after its gaps
            return;
        }
        double rate = droppedLast ? Math.min(1.0, fault.lossRate() + fault.correlation()) : fault.lossRate();
        droppedLast = context.random().nextDouble() < rate;
        if (droppedLast) {
            int size = chunk.size();
            context.discard(chunk);
            context.injected("bytes=" + size + " dropped");
        } else {
            context.forward(chunk);
        }
    }
}
