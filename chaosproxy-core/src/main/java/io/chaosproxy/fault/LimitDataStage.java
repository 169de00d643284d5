package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;

/** Applies one {@link LimitData}: passes exactly {@code bytes} bytes, then ends the stream and the connection. */
final class LimitDataStage implements Stage {
    private final LimitData fault;
    private final StageContext context;
    private long passed;
    private boolean reached;

    LimitDataStage(LimitData fault, StageContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onChunk(Chunk chunk) {
        if (reached) {
            context.discard(chunk);   // the stream is cut: nothing after the limit goes through
            return;
        }
        if (chunk.isEnd() || passed + chunk.size() < fault.bytes()) {
            passed += chunk.size();
            context.forward(chunk);
            return;
        }
        int allowed = (int) (fault.bytes() - passed);
        if (allowed == chunk.size()) {
            context.forward(chunk);
        } else {
            if (allowed > 0) {
                context.forward(context.split(chunk, allowed));
            }
            context.discard(chunk);
        }
        passed = fault.bytes();
        reached = true;
        context.injected("limit of " + fault.bytes() + " bytes reached");
        context.endStreamThenClose("limit reached");
    }
}
