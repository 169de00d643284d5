package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
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

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<Bandwidth> TYPE = FaultType.dataFault("bandwidth", Bandwidth.class, BandwidthStage::new)
            .describedAs("At most so many bytes per second in its direction; 0 holds every byte")
            .attribute(Attribute.integer("bytesPerSecond", 0, MAX_BYTES_PER_SECOND, Bandwidth::bytesPerSecond).unit("bytes/s").toxiproxy("rate", 1000).describedAs("the rate; Toxiproxy's rate is in KB/s (1 KB = 1000 bytes)"))
            .make(v -> Fault.bandwidth(v.integer("bytesPerSecond")))
            .build();

    /** Checks the values. */
    public Bandwidth {
        Check.notNegative("bandwidth", bytesPerSecond);
        Check.atMost("bandwidth", bytesPerSecond, MAX_BYTES_PER_SECOND, "bytes/s");
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Bandwidth withEnvelope(Envelope envelope) {
        return new Bandwidth(bytesPerSecond, envelope);
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
