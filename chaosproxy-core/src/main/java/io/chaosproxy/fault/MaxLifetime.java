package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import java.time.Duration;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * Closes the connection (or resets it) once it has lived {@code lifetime}, counted from accept. Once per
 * connection, whatever the direction.
 *
 * @param lifetime more than 0, at most {@link Fault#MAX_DURATION}
 * @param reset RST instead of FIN
 */
public record MaxLifetime(Duration lifetime, boolean reset, Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<MaxLifetime> TYPE = FaultType.connectionFault("max_lifetime", MaxLifetime.class, MaxLifetimeStage::new)
            .describedAs("Closes (or resets) the connection once it has lived lifetime")
            .attribute(Attribute.duration("lifetime", MaxLifetime::lifetime).describedAs("counted from accept; more than 0"))
            .attribute(Attribute.bool("reset", (MaxLifetime m) -> m.reset()).defaultValue(false).describedAs("an RST instead of a FIN"))
            .make(v -> Fault.maxLifetime(v.duration("lifetime")).reset(v.bool("reset")))
            .build();

    /** Checks the values. */
    public MaxLifetime {
        Check.positive("maxLifetime", lifetime);
        Objects.requireNonNull(envelope, "envelope");
    }

    /** A copy that ends the connection with an RST ({@code true}) or a FIN ({@code false}, the default). */
    public MaxLifetime reset(boolean reset) {
        return new MaxLifetime(lifetime, reset, envelope);
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public MaxLifetime withEnvelope(Envelope envelope) {
        return new MaxLifetime(lifetime, reset, envelope);
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
