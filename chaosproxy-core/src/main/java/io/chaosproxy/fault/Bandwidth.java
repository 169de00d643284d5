package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.util.Map;
import java.util.Objects;

/**
 * Lets at most {@code bytesPerSecond} through in its direction (a token bucket refilled continuously, with
 * 10 ms of burst). 0 holds every byte until the fault is removed, then lets it all go, in order.
 *
 * @param bytesPerSecond 0..{@link #MAX_BYTES_PER_SECOND} (1 TB/s)
 */
public record Bandwidth(long bytesPerSecond, Envelope envelope) implements Fault {
    /**
     * The highest rate: 1 TB/s (10^9 in Toxiproxy's KB/s), far more than loopback carries, so no
     * limit a test means to set is refused.
     */
    public static final long MAX_BYTES_PER_SECOND = 1_000_000_000_000L;

    /** Checks the values. */
    public Bandwidth {
        Check.notNegative("bandwidth", bytesPerSecond);
        Check.atMost("bandwidth", bytesPerSecond, MAX_BYTES_PER_SECOND, "bytes/s");
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return "bandwidth";
    }

    @Override
    public Bandwidth withEnvelope(Envelope envelope) {
        return new Bandwidth(bytesPerSecond, envelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("rate", bytesPerSecond / 1000);   // Toxiproxy's unit: KB/s, 1 KB = 1000 bytes
    }

    @Override
    public Stage newStage(StageContext context) {
        return new BandwidthStage(this, context);
    }
}
