package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Cuts each chunk into slices of {@code averageSize ± sizeVariation} bytes (uniform) and sends them
 * {@code delay} apart: exposes code that assumes one read returns one whole message.
 *
 * @param averageSize bytes, 1..{@link #MAX_SIZE} (64 MiB)
 * @param sizeVariation bytes, 0..averageSize-1
 * @param delay between two slices; 0..{@link Fault#MAX_DURATION}
 */
public record Slicer(int averageSize, int sizeVariation, Duration delay, Envelope envelope) implements Fault {
    /**
     * The largest average size (and so variation): 64 MiB. The proxy reads at most a few hundred KiB at once,
     * so larger slices would only ever pass whole chunks; and {@code averageSize + sizeVariation} stays far
     * from {@code Integer.MAX_VALUE}.
     */
    public static final int MAX_SIZE = 64 << 20;

    /** Checks the values. */
    public Slicer {
        Check.positive("slicer averageSize", averageSize);
        Check.atMost("slicer averageSize", averageSize, MAX_SIZE, "bytes");
        if (sizeVariation < 0 || sizeVariation >= averageSize) {
            throw new IllegalArgumentException("slicer sizeVariation " + sizeVariation + " is outside 0.."
                    + (averageSize - 1) + "; it must be smaller than averageSize");
        }
        Check.notNegative("slicer delay", delay);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return "slicer";
    }

    @Override
    public Slicer withEnvelope(Envelope envelope) {
        return new Slicer(averageSize, sizeVariation, delay, envelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("average_size", averageSize, "size_variation", sizeVariation, "delay", delay.toNanos() / 1000);   // delay in µs
    }

    @Override
    public Stage newStage(StageContext context) {
        return new SlicerStage(this, context);
    }
}
