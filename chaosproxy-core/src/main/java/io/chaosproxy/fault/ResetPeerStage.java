package io.chaosproxy.fault;

import io.chaosproxy.spi.ConnectionContext;
import io.chaosproxy.spi.ConnectionStage;

/** Applies one {@link ResetPeer}: an RST to both sides when the timeout runs out. */
final class ResetPeerStage implements ConnectionStage {
    private final ResetPeer fault;
    private final ConnectionContext context;

    ResetPeerStage(ResetPeer fault, ConnectionContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onStart() {
        context.newTimer(this::reset).armIn(fault.timeout().toNanos());
    }

    private void reset() {
        context.injected("reset after " + fault.timeout().toMillis() + "ms");
        context.reset(fault.name());
    }
}
