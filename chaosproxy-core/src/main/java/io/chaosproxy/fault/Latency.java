package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import java.time.Duration;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * Holds each chunk {@code delay ± jitter} (uniform) from the moment it reached this fault before passing it
 * on. Chunks keep their order, and the end of the stream waits its turn like data.
 *
 * @param delay  how long each chunk is held; 0..{@link Fault#MAX_DURATION}
 * @param jitter the most a chunk's delay varies from {@code delay}, either way; 0 or more, with
 *               {@code delay + jitter} at most {@link Fault#MAX_DURATION}
 */
public record Latency(Duration delay, Duration jitter, Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<Latency> TYPE = FaultType.dataFault("latency", Latency.class, LatencyStage::new)
            .describedAs("Holds each chunk delay ± jitter (uniform); chunks keep their order")
            .attribute(Attribute.duration("latency", Latency::delay).describedAs("how long each chunk is held"))
            .attribute(Attribute.duration("jitter", (Latency l) -> l.jitter()).defaultValue(Duration.ZERO).describedAs("the most a delay varies, either way"))
            .make(v -> Fault.latency(v.duration("latency")).jitter(v.duration("jitter")))
            .build();

    /** Checks the values. */
    public Latency {
        Check.notNegative("latency", delay);
        Check.notNegative("latency jitter", jitter);
        Check.atMostMaxDuration("latency + jitter", delay.plus(jitter));   // the longest delay a chunk can get
        Objects.requireNonNull(envelope, "envelope");
    }

    /** A copy whose delays vary by up to {@code jitter} either way. */
    public Latency jitter(Duration jitter) {
        return new Latency(delay, jitter, envelope);
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Latency withEnvelope(Envelope envelope) {
        return new Latency(delay, jitter, envelope);
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
