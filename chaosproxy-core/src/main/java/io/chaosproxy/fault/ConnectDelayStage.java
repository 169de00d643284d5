package io.chaosproxy.fault;

import io.chaosproxy.spi.ConnectionContext;
import io.chaosproxy.spi.ConnectionStage;

/** Applies one {@link ConnectDelay} to a new connection: the upstream is contacted later. */
final class ConnectDelayStage implements ConnectionStage {
    private final ConnectDelay fault;
    private final ConnectionContext context;

    ConnectDelayStage(ConnectDelay fault, ConnectionContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onStart() {
        if (context.holdConnect(fault.delay().toNanos())) {
            context.injected("connect delayed " + fault.delay().toMillis() + "ms");
        }
    }
}
