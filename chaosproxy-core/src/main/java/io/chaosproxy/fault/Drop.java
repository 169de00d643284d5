package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * With {@code probability}, drops a new connection right after it is accepted, before the upstream is
 * contacted: closed, reset or left hanging ({@link DropMode}). Decided once per connection, whatever the
 * direction; added to a route at runtime it applies to new connections only.
 *
 * @param probability 0.0..1.0
 * @param mode        what a dropped connection sees; default {@link DropMode#CLOSE}
 */
public record Drop(double probability, DropMode mode, Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<Drop> TYPE = FaultType.connectionFault("drop", Drop.class, DropStage::new)
            .describedAs("With probability, a new connection is refused before the upstream is contacted")
            .attribute(Attribute.probability("probability", Drop::probability).describedAs("per new connection"))
            .attribute(Attribute.choice("mode", DropMode.wireNames(), (Drop d) -> d.mode().wireName())
                    .defaultValue("close").describedAs("what a dropped client sees"))
            .make(v -> Fault.drop(v.probability("probability")).mode(DropMode.fromWireName(v.choice("mode"))))
            .build();

    /** Checks the values. */
    public Drop {
        Check.probability("drop probability", probability);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(envelope, "envelope");
    }

    /** A copy that drops connections this way. */
    public Drop mode(DropMode mode) {
        return new Drop(probability, mode, envelope);
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Drop withEnvelope(Envelope envelope) {
        return new Drop(probability, mode, envelope);
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
