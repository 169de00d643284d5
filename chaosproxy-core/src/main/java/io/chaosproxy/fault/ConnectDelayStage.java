package io.chaosproxy.fault;

import io.chaosproxy.internal.Chunk;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;

/** Applies one {@link ConnectDelay} to a new connection: the upstream is contacted later. */
final class ConnectDelayStage implements Stage {
    private final ConnectDelay fault;
    private final StageContext context;

    ConnectDelayStage(ConnectDelay fault, StageContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onStart() {
        if (context.delayConnect(fault.delay().toNanos())) {
            context.injected("connect delayed " + fault.delay().toMillis() + "ms");
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
