package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * With {@code probability} per chunk, aborts the connection with an RST to both sides instead of passing
 * the chunk on.
 *
 * @param probability 0.0..1.0, per chunk
 */
public record Terminate(double probability, Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<Terminate> TYPE = FaultType.dataFault("terminate", Terminate.class, TerminateStage::new)
            .describedAs("With probability per chunk, aborts the connection with an RST")
            .attribute(Attribute.probability("probability", Terminate::probability).describedAs("per chunk"))
            .make(v -> Fault.terminate(v.probability("probability")))
            .build();

    /** Checks the values. */
    public Terminate {
        Check.probability("terminate probability", probability);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Terminate withEnvelope(Envelope envelope) {
        return new Terminate(probability, envelope);
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
