package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * With {@code probability} per chunk, replaces one byte of it with a different, random one. The only fault
 * that changes bytes; each change is counted ({@code ProxyMetrics.bytesCorrupted}) and reported.
 *
 * @param probability 0.0..1.0, per chunk
 */
public record Corrupt(double probability, Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<Corrupt> TYPE = FaultType.dataFault("corrupt", Corrupt.class, CorruptStage::new)
            .describedAs("With probability per chunk, replaces one byte with another")
            .attribute(Attribute.probability("probability", Corrupt::probability).describedAs("per chunk"))
            .make(v -> Fault.corrupt(v.probability("probability")))
            .build();

    /** Checks the values. */
    public Corrupt {
        Check.probability("corrupt probability", probability);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Corrupt withEnvelope(Envelope envelope) {
        return new Corrupt(probability, envelope);
    }

    /** Toxiproxy's names and units, as the admin API shows them. */
    @Override
    public Map<String, Object> attributes() {
        return TYPE.toxiproxyAttributes(this);
    }

}
