package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;

/** Applies one {@link Latency} to one direction of one connection. Runs on that connection's loop only. */
final class LatencyStage implements Stage {
    private final long delayNanos;
    private final long jitterNanos;
    private final LatencyDistribution distribution;
    private final DelayDraws draws;
    private final StageContext context;
    private boolean reported;

    LatencyStage(Latency fault, StageContext context) {
        this.delayNanos = fault.delay().toNanos();
        this.jitterNanos = fault.jitter().toNanos();
        this.distribution = fault.distribution();
        this.draws = new DelayDraws(fault);
        this.context = context;
    }

    @Override
    public void onChunk(Chunk chunk) {
        if (!reported && !chunk.isEnd()) {
            // A continuous fault is reported once, when it first holds data: an event per chunk would flood.
            reported = true;
            context.injected("delaying each chunk " + delayNanos / 1_000_000 + "ms"
                    + (jitterNanos > 0 ? " ± " + jitterNanos / 1_000_000 + "ms" : "")
                    + (distribution.equals(LatencyDistribution.UNIFORM) ? "" : " (" + distribution + ")"));
        }
        long delay = draws.nextNanos(context.random());
        // Measured from when the chunk reached this fault, not from when the proxy read it: so a latency behind
        // another fault (another latency, a slicer, a stall) adds its delay in full. Chunks queued behind a
        // slow one still do not add their delays up; the context keeps them in order if jitter would let one
        // overtake another.
        context.forwardAt(context.nanoTime() + delay, chunk);
    }
}
