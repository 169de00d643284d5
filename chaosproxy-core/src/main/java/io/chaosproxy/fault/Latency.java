package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.time.Duration;
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
        return "latency";
    }

    @Override
    public Latency withEnvelope(Envelope envelope) {
        return new Latency(delay, jitter, envelope);
    }

    /** Toxiproxy's {@code latency} and {@code jitter}, in milliseconds. */
    @Override
    public Map<String, Object> attributes() {
        return Map.of("latency", delay.toMillis(), "jitter", jitter.toMillis());
    }

    @Override
    public Stage newStage(StageContext context) {
        return new LatencyStage(this, context);
    }
}
