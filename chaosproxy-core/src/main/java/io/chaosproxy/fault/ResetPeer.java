package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import java.time.Duration;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * Aborts the connection with an RST to both sides {@code timeout} after it starts (or after the fault is
 * added to it); data flows normally until then.
 *
 * @param timeout 0 (at once) up to {@link Fault#MAX_DURATION}
 */
public record ResetPeer(Duration timeout, Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<ResetPeer> TYPE = FaultType.connectionFault("reset_peer", ResetPeer.class, ResetPeerStage::new)
            .describedAs("Resets both sides (RST) timeout after the connection starts or the fault is added")
            .attribute(Attribute.duration("timeout", ResetPeer::timeout).describedAs("until the reset"))
            .make(v -> Fault.resetPeer(v.duration("timeout")))
            .build();

    /** Checks the values. */
    public ResetPeer {
        Check.notNegative("resetPeer timeout", timeout);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public ResetPeer withEnvelope(Envelope envelope) {
        return new ResetPeer(timeout, envelope);
    }

    /** Toxiproxy's names and units, as the admin API shows them. */
    @Override
    public Map<String, Object> attributes() {
        return TYPE.toxiproxyAttributes(this);
    }

    @Override
    public String toString() {
        return FaultText.of(this);
    }
}
