package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import java.util.Map;
import java.util.Objects;

/**
 * With {@code probability} per chunk, damages it: replaces one byte of it with a different, random one (the
 * default), or sends 1 to {@value #MAX_INSERTED} random bytes before it ({@link #inserting()}, Trixter's
 * corruption). Every changed or added byte is counted ({@code ProxyMetrics.bytesCorrupted}) and reported.
 *
 * @param probability 0.0..1.0, per chunk
 * @param mode        replace a byte, or insert random ones; default {@link CorruptMode#REPLACE}
 */
public record Corrupt(double probability, CorruptMode mode, Envelope envelope) implements Fault {
    /** The most random bytes one insertion adds: 16 KiB (a full TLS record), as Trixter's corrupter. */
    public static final int MAX_INSERTED = 16 * 1024;

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<Corrupt> TYPE = FaultType.dataFault("corrupt", Corrupt.class, Corrupt::newStage)
            .describedAs("With probability per chunk, replaces one byte, or inserts random bytes before the chunk")
            .attribute(Attribute.probability("probability", Corrupt::probability).describedAs("per chunk"))
            .attribute(Attribute.choice("mode", CorruptMode.wireNames(), (Corrupt c) -> c.mode().wireName())
                    .defaultValue("replace").describedAs("replace one byte, or insert 1..16384 random bytes"))
            .make(v -> Fault.corrupt(v.probability("probability")).mode(CorruptMode.fromWireName(v.choice("mode"))))
            .build();

    /** Checks the values. */
    public Corrupt {
        Check.probability("corrupt probability", probability);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(envelope, "envelope");
    }

    /** A copy that damages chunks this way. */
    public Corrupt mode(CorruptMode mode) {
        return new Corrupt(probability, mode, envelope);
    }

    /** A copy that inserts random bytes before the chunks it picks, as Trixter does: {@code mode(INSERT)}. */
    public Corrupt inserting() {
        return mode(CorruptMode.INSERT);
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Corrupt withEnvelope(Envelope envelope) {
        return new Corrupt(probability, mode, envelope);
    }

    /** Toxiproxy's names and units, as the admin API shows them. */
    @Override
    public Map<String, Object> attributes() {
        return TYPE.toxiproxyAttributes(this);
    }

    private static Stage newStage(Corrupt fault, StageContext context) {
        return fault.mode() == CorruptMode.INSERT ? new CorruptInsertStage(fault, context)
                : new CorruptStage(fault, context);
    }

    @Override
    public String toString() {
        return FaultText.of(this);
    }
}
