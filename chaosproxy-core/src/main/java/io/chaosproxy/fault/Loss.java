package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What packet loss does to a TCP stream: with {@code probability} per chunk, that chunk and every one behind
 * it wait {@code retransmitDelay} before moving on. Nothing is lost or reordered; the stream stutters, as it
 * does over a lossy link where TCP retransmits.
 *
 * @param probability 0.0..1.0, per chunk
 * @param retransmitDelay 0..{@link Fault#MAX_DURATION}; default 200 ms, Linux's minimum RTO
 */
public record Loss(double probability, Duration retransmitDelay, Envelope envelope) implements Fault {

    /** Checks the values. */
    public Loss {
        Check.probability("loss probability", probability);
        Check.notNegative("loss retransmitDelay", retransmitDelay);
        Objects.requireNonNull(envelope, "envelope");
    }

    /** Linux's minimum retransmission timeout. */
    public static final Duration DEFAULT_RETRANSMIT_DELAY = Duration.ofMillis(200);

    /** A copy whose lost chunks wait {@code delay}. */
    public Loss retransmitDelay(Duration delay) {
        return new Loss(probability, delay, envelope);
    }

    @Override
    public String type() {
        return "loss";
    }

    @Override
    public Loss withEnvelope(Envelope envelope) {
        return new Loss(probability, retransmitDelay, envelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("probability", probability, "retransmit_delay", retransmitDelay.toMillis());
    }

    @Override
    public Stage newStage(StageContext context) {
        return new LossStage(this, context);
    }
}
