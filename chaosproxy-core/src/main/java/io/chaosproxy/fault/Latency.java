package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import java.time.Duration;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Holds each chunk {@code delay ± jitter} (uniform, or another {@link LatencyDistribution}) from the moment it
 * reached this fault before passing it on. Chunks keep their order, and the end of the stream waits its turn
 * like data: a chunk drawn a shorter delay than the one ahead of it leaves right behind it.
 *
 * <pre>{@code
 * Fault.latency(ofMillis(100)).jitter(ofMillis(20)).distribution(LatencyDistribution.PARETO).correlation(0.25)
 * Fault.latency(ofMillis(100)).lognormal(0.5)        // WireMock's LogNormal: median 100 ms
 * }</pre>
 *
 * @param delay        how long each chunk is held (the lognormal's median); 0..{@link Fault#MAX_DURATION}
 * @param jitter       how far delays spread around {@code delay}: the most either way (uniform), the standard
 *                     deviation (normal), netem's scale (Pareto, Pareto-normal); 0 with lognormal. 0 or more,
 *                     with {@code delay + jitter} at most {@link Fault#MAX_DURATION}; a draw beyond is clamped
 * @param distribution the shape of the delays; {@link LatencyDistribution#UNIFORM} by default
 * @param correlation  0.0..1.0, how much each delay's random draw leans on the previous one (netem's
 *                     correlation, see {@link LatencyDistribution}); 0 by default
 */
public record Latency(Duration delay, Duration jitter, LatencyDistribution distribution, double correlation,
        Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<Latency> TYPE = FaultType.dataFault("latency", Latency.class, LatencyStage::new)
            .describedAs("Holds each chunk delay ± jitter (uniform, normal, pareto, paretonormal, or lognormal"
                    + " by sigma); chunks keep their order")
            .attribute(Attribute.duration("latency", Latency::delay).describedAs("how long each chunk is held"))
            .attribute(Attribute.duration("jitter", (Latency l) -> l.jitter()).defaultValue(Duration.ZERO).describedAs("the most a delay varies, either way"))
            .attribute(Attribute.choice("distribution", LatencyDistribution.NAMES, (Latency l) -> l.distribution().name())
                    .defaultValue("uniform").describedAs("the shape of the delays"))
            .attribute(Attribute.probability("correlation", (Latency l) -> l.correlation()).defaultValue(0.0)
                    .describedAs("how much each delay leans on the previous one (netem's)"))
            .attribute(Attribute.number("sigma", 0, (long) LatencyDistribution.MAX_SIGMA,
                    (Latency l) -> l.distribution().sigma()).defaultValue(0.0)
                    .describedAs("the lognormal's spread: the standard deviation of the delay's logarithm"))
            .make(v -> Fault.latency(v.duration("latency")).jitter(v.duration("jitter"))
                    .distribution(LatencyDistribution.named(v.choice("distribution"), v.number("sigma")))
                    .correlation(v.probability("correlation")))
            .build();

    /** The attributes Toxiproxy's latency does not have, left out of {@link #attributes()} at their defaults. */
    private static final List<String> OURS = List.of("distribution", "correlation", "sigma");

    /** Checks the values. */
    public Latency {
        Check.notNegative("latency", delay);
        Check.notNegative("latency jitter", jitter);
        Check.atMostMaxDuration("latency + jitter", delay.plus(jitter));   // the longest delay a chunk can get
        Objects.requireNonNull(distribution, "distribution");
        Check.probability("latency correlation", correlation);
        if (distribution.isLognormal() && !jitter.isZero()) {
            throw new IllegalArgumentException("latency jitter: " + jitter.toMillis() + "ms with a lognormal"
                    + " distribution; its spread is sigma: leave the jitter at 0");
        }
        Objects.requireNonNull(envelope, "envelope");
    }

    /** Uniform delays of {@code delay ± jitter}, uncorrelated: Toxiproxy's latency. */
    public Latency(Duration delay, Duration jitter, Envelope envelope) {
        this(delay, jitter, LatencyDistribution.UNIFORM, 0.0, envelope);
    }

    /** A copy whose delays spread by {@code jitter} (either way, for the default uniform distribution). */
    public Latency jitter(Duration jitter) {
        return new Latency(delay, jitter, distribution, correlation, envelope);
    }

    /** A copy whose delays take that shape around {@code delay}, spread by the jitter (by sigma for lognormal). */
    public Latency distribution(LatencyDistribution distribution) {
        return new Latency(delay, jitter, distribution, correlation, envelope);
    }

    /**
     * A copy with WireMock's lognormal delays: median {@code delay}, spread {@code sigma}; the same as
     * {@code distribution(LatencyDistribution.lognormal(sigma))}.
     */
    public Latency lognormal(double sigma) {
        return distribution(LatencyDistribution.lognormal(sigma));
    }

    /** A copy whose successive delays are correlated (netem's correlation, 0.0..1.0; 0.25 is netem's example). */
    public Latency correlation(double correlation) {
        return new Latency(delay, jitter, distribution, correlation, envelope);
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Latency withEnvelope(Envelope envelope) {
        return new Latency(delay, jitter, distribution, correlation, envelope);
    }

    /**
     * Toxiproxy's names and units, as the admin API shows them; the attributes Toxiproxy does not have only when
     * set, so a plain latency reads as Toxiproxy's.
     */
    @Override
    public Map<String, Object> attributes() {
        Map<String, Object> shown = new LinkedHashMap<>(TYPE.toxiproxyAttributes(this));
        for (String ours : OURS) {
            if (shown.get(ours).equals(TYPE.attribute(ours).orElseThrow().defaultValue())) {
                shown.remove(ours);
            }
        }
        return Collections.unmodifiableMap(shown);
    }

    @Override
    public String toString() {
        return FaultText.of(this);
    }
}
