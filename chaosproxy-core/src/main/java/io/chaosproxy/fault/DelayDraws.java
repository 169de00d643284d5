package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import java.util.random.RandomGenerator;

/**
 * Draws the delays of one {@link Latency} on one direction of one connection, from the connection's seeded
 * random: the same seed and the same chunks give the same delays. Holds the last uniform draw for netem's
 * correlation, so one instance per stage; no allocation per draw. Loop thread only.
 *
 * <p>Correlation is netem's ({@code get_crandom} in {@code sch_netem.c}): it applies to the uniform number
 * each delay is made from, {@code u = correlation * lastU + (1 - correlation) * fresh}, and {@code u} then
 * goes through the distribution's quantile function. As in netem, a correlation above 0 also narrows the
 * spread (an average of uniforms is no longer uniform); 1 repeats the first delay.
 */
final class DelayDraws {
    private static final double LIMIT = 4.0;   // netem's tables hold x * 8192 in 16 bits: about -4..4
    private static final double MAX_NANOS = Fault.MAX_DURATION.toNanos();

    private final long delayNanos;
    private final long jitterNanos;
    private final String shape;
    private final double sigma;
    private final double correlation;
    private double lastUniform = Double.NaN;   // netem seeds it with a random draw: so do we, at the first delay

    DelayDraws(Latency fault) {
        this.delayNanos = fault.delay().toNanos();
        this.jitterNanos = fault.jitter().toNanos();
        this.shape = fault.distribution().name();
        this.sigma = fault.distribution().sigma();
        this.correlation = fault.correlation();
    }

    /** The next delay in nanoseconds, 0..{@link Fault#MAX_DURATION}. */
    long nextNanos(RandomGenerator random) {
        if (shape.equals("lognormal")) {
            return clamp(delayNanos * Math.exp(sigma * normalQuantile(nextUniform(random))));
        }
        if (jitterNanos == 0) {
            return delayNanos;   // netem: sigma 0 returns mu, and draws nothing
        }
        if (correlation == 0 && shape.equals("uniform")) {
            // Today's draw, kept exactly, so that a seed replays the same delays as before distributions existed.
            return Math.max(0, delayNanos + random.nextLong(-jitterNanos, jitterNanos + 1));
        }
        double u = nextUniform(random);
        double x = switch (shape) {
            case "uniform" -> 2 * u - 1;
            case "normal" -> normalQuantile(u);
            case "pareto" -> pareto(u);
            default -> (normalQuantile(u) + 3 * pareto(u)) / 4;   // paretonormal
        };
        return clamp(delayNanos + jitterNanos * Math.max(-LIMIT, Math.min(LIMIT, x)));
    }

    /** A uniform number strictly inside 0..1, correlated with the last one as netem does. */
    private double nextUniform(RandomGenerator random) {
        double fresh = uniform(random);
        if (correlation == 0) {
            return fresh;
        }
        if (Double.isNaN(lastUniform)) {
            lastUniform = uniform(random);
        }
        lastUniform = correlation * lastUniform + (1 - correlation) * fresh;
        return lastUniform;
    }

    private static double uniform(RandomGenerator random) {
        return ((random.nextLong() >>> 11) + 0.5) * 0x1.0p-53;   // never 0 or 1: every quantile stays finite
    }

    /** netem's Pareto variate: shape 3, its mean 1.5 taken off, scaled by 4/3 ({@code netem/pareto.c}). */
    private static double pareto(double u) {
        return 4.0 / 3.0 * (Math.pow(1 - u, -1.0 / 3.0) - 1.5);
    }

    /** The standard normal quantile: Acklam's rational approximation (relative error below 1.2e-9). */
    static double normalQuantile(double p) {
        double x;
        if (p < 0.02425) {
            double q = Math.sqrt(-2 * Math.log(p));
            x = (((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q
                    - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00)
                    / ((((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q
                    + 3.754408661907416e+00) * q + 1);
        } else if (p > 1 - 0.02425) {
            return -normalQuantile(1 - p);
        } else {
            double q = p - 0.5;
            double r = q * q;
            x = (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
                    + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * q
                    / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r
                    + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1);
        }
        return x;
    }

    private static long clamp(double nanos) {
        return (long) Math.max(0, Math.min(MAX_NANOS, nanos));
    }
}
