package io.chaosproxy.fault;

import io.chaosproxy.internal.Chunk;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;

/** Applies one {@link Latency} to one direction of one connection. Runs on that connection's loop only. */
final class LatencyStage implements Stage {
    private final long delayNanos;
    private final StageContext context;

    LatencyStage(Latency fault, StageContext context) {
        this.delayNanos = fault.delay().toNanos();
        this.context = context;
    }

    @Override
    public void onChunk(Chunk chunk) {
        // Measured from arrival, so time spent behind a slow sink is not added on top.
        context.forwardAt(chunk.arrivedNanos() + delayNanos, chunk);
    }
}
