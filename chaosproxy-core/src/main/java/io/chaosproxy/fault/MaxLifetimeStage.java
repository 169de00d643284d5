package io.chaosproxy.fault;

import io.chaosproxy.spi.ConnectionContext;
import io.chaosproxy.spi.ConnectionStage;

/** Applies one {@link MaxLifetime}: ends the connection when it has lived long enough. */
final class MaxLifetimeStage implements ConnectionStage {
    private final MaxLifetime fault;
    private final ConnectionContext context;

    MaxLifetimeStage(MaxLifetime fault, ConnectionContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onStart() {
        context.newTimer(this::end).armAt(context.connectionOpenedNanos() + fault.lifetime().toNanos());
    }

    private void end() {
        context.injected((fault.reset() ? "reset" : "closed") + " after " + fault.lifetime().toMillis() + "ms");
        if (fault.reset()) {
            context.reset(fault.name());
        } else {
            context.close(fault.name());
        }
    }
}
