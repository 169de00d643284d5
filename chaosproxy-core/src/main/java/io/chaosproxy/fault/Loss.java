package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import java.time.Duration;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
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

    /** Linux's minimum retransmission timeout. */
    public static final Duration DEFAULT_RETRANSMIT_DELAY = Duration.ofMillis(200);

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<Loss> TYPE = FaultType.dataFault("loss", Loss.class, LossStage::new)
            .describedAs("With probability per chunk, holds it and all behind it a retransmission delay")
            .attribute(Attribute.probability("probability", Loss::probability).describedAs("per chunk"))
            .attribute(Attribute.duration("retransmit_delay", (Loss l) -> l.retransmitDelay()).defaultValue(DEFAULT_RETRANSMIT_DELAY).describedAs("how long a lost chunk waits"))
            .make(v -> Fault.loss(v.probability("probability")).retransmitDelay(v.duration("retransmit_delay")))
            .build();

    /** Checks the values. */
    public Loss {
        Check.probability("loss probability", probability);
        Check.notNegative("loss retransmitDelay", retransmitDelay);
        Objects.requireNonNull(envelope, "envelope");
    }

    /** A copy whose lost chunks wait {@code delay}. */
    public Loss retransmitDelay(Duration delay) {
        return new Loss(probability, delay, envelope);
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Loss withEnvelope(Envelope envelope) {
        return new Loss(probability, retransmitDelay, envelope);
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
