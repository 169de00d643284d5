package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import java.time.Duration;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * A blackhole: data stops flowing in its direction (the proxy holds what arrives and stops reading, so the
 * sender's window fills as over a dead path); after {@code timeout} the connection is closed. With 0 it
 * stays stalled until the fault is removed, and then every held byte moves on, in order: nothing is lost.
 * (Toxiproxy drops the data instead.)
 *
 * @param timeout 0 (never close) up to {@link Fault#MAX_DURATION}
 */
public record Timeout(Duration timeout, Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<Timeout> TYPE = FaultType.dataFault("timeout", Timeout.class, TimeoutStage::new)
            .describedAs("Stops data; closes the connection after timeout (0: holds it until removed)")
            .attribute(Attribute.duration("timeout", Timeout::timeout).describedAs("until the connection is cut; 0 never"))
            .make(v -> Fault.timeout(v.duration("timeout")))
            .build();

    /** Checks the values. */
    public Timeout {
        Check.notNegative("timeout", timeout);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Timeout withEnvelope(Envelope envelope) {
        return new Timeout(timeout, envelope);
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
