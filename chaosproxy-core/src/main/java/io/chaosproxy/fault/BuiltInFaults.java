package io.chaosproxy.fault;

import io.chaosproxy.spi.FaultType;
import io.chaosproxy.spi.FaultTypeProvider;
import java.util.List;

/**
 * Registers the built-in fault types, Toxiproxy's first. Found by {@link io.chaosproxy.spi.FaultTypes} through
 * {@code META-INF/services}; not for users to call.
 */
public final class BuiltInFaults implements FaultTypeProvider {

    /** For {@link java.util.ServiceLoader}. */
    public BuiltInFaults() {
    }

    @Override
    public List<FaultType<?>> faultTypes() {
        return List.of(Latency.TYPE, Bandwidth.TYPE, SlowClose.TYPE, Timeout.TYPE, ResetPeer.TYPE, Slicer.TYPE,
                LimitData.TYPE, PacketLoss.TYPE, Noop.TYPE, Corrupt.TYPE, Terminate.TYPE, Loss.TYPE, MaxLifetime.TYPE,
                ConnectDelay.TYPE, Drop.TYPE);
    }
}
