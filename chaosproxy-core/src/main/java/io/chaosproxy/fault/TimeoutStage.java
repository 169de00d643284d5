package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;

/** Applies one {@link Timeout}: holds every chunk and stops the source; closes the connection when due. */
final class TimeoutStage implements Stage {
    private final Timeout fault;
    private final StageContext context;

    TimeoutStage(Timeout fault, StageContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onStart() {
        context.pauseSource();
        long millis = fault.timeout().toMillis();
        context.injected(millis == 0 ? "stalled until removed" : "stalled, closing in " + millis + "ms");
        if (!fault.timeout().isZero()) {
            context.newTimer(() -> context.cut(fault.name() + " after " + millis + "ms"))
                    .armIn(fault.timeout().toNanos());
        }
    }

    @Override
    public void onChunk(Chunk chunk) {
        context.hold(chunk);
    }
}
