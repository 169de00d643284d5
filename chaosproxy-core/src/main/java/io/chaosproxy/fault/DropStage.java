package io.chaosproxy.fault;

import io.chaosproxy.spi.ConnectionContext;
import io.chaosproxy.spi.ConnectionStage;
import io.chaosproxy.spi.Refusal;

/** Applies one {@link Drop} to one new connection, before its upstream is contacted. */
final class DropStage implements ConnectionStage {
    private final Drop fault;
    private final ConnectionContext context;

    DropStage(Drop fault, ConnectionContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onStart() {
        // Always draw, so that the decision for one connection never depends on another's.
        if (context.random().nextDouble() < fault.probability()) {
            context.refuse(refusal(fault.mode()), "mode=" + fault.mode().wireName());
        }
    }

    private static Refusal refusal(DropMode mode) {
        return switch (mode) {
            case CLOSE -> Refusal.CLOSE;
            case RESET -> Refusal.RESET;
            case HANG -> Refusal.HANG;
        };
    }
}
