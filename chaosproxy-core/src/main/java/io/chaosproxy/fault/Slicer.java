package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * Cuts each chunk into slices of {@code averageSize ± sizeVariation} bytes (uniform, and at least 1) and sends
 * them {@code delay} apart: exposes code that assumes one read returns one whole message. A variation as large as
 * the average or larger is allowed, as Toxiproxy allows it: slices are then 1 to {@code averageSize +
 * sizeVariation} bytes (Toxiproxy's slicer panics when the variation exceeds the average).
 *
 * @param averageSize bytes, 1..{@link #MAX_SIZE} (64 MiB)
 * @param sizeVariation bytes, 0..{@link #MAX_SIZE}
 * @param delay between two slices; 0..{@link Fault#MAX_DURATION}
 */
public record Slicer(int averageSize, int sizeVariation, Duration delay, Envelope envelope) implements Fault {
    /**
     * The largest average size and variation: 64 MiB. The proxy reads at most a few hundred KiB at once,
     * so larger slices would only ever pass whole chunks; and {@code averageSize + sizeVariation} stays far
     * from {@code Integer.MAX_VALUE}.
     */
    public static final int MAX_SIZE = 64 << 20;

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<Slicer> TYPE = FaultType.dataFault("slicer", Slicer.class, SlicerStage::new)
            .describedAs("Cuts chunks into slices sent delay apart")
            .attribute(Attribute.integer("average_size", 1, MAX_SIZE, (Slicer s) -> (long) s.averageSize()).unit("bytes").describedAs("the average slice"))
            .attribute(Attribute.integer("size_variation", 0, MAX_SIZE, (Slicer s) -> (long) s.sizeVariation()).unit("bytes").defaultValue(0L).describedAs("the most a slice varies, either way"))
            .attribute(Attribute.duration("delay", Slicer::delay).defaultValue(Duration.ZERO).toxiproxy("delay", ChronoUnit.MICROS).describedAs("between two slices"))
            .make(v -> Fault.slicer((int) v.integer("average_size"), (int) v.integer("size_variation"), v.duration("delay")))
            .build();

    /** Checks the values. */
    public Slicer {
        Check.positive("slicer averageSize", averageSize);
        Check.atMost("slicer averageSize", averageSize, MAX_SIZE, "bytes");
        Check.notNegative("slicer sizeVariation", sizeVariation);
        Check.atMost("slicer sizeVariation", sizeVariation, MAX_SIZE, "bytes");
        Check.notNegative("slicer delay", delay);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Slicer withEnvelope(Envelope envelope) {
        return new Slicer(averageSize, sizeVariation, delay, envelope);
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
