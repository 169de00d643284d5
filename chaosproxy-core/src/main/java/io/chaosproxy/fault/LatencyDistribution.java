package io.chaosproxy.fault;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The shape of a {@link Latency}'s delays around its {@code delay}: netem's set (uniform, normal, Pareto,
 * Pareto-normal), spread by the latency's jitter, or WireMock's lognormal, spread by its own {@code sigma}.
 * Immutable.
 *
 * <p>Each delay is {@code delay + jitter * x}, where {@code x} is drawn from the shape below (for lognormal,
 * {@code delay * exp(sigma * z)}, {@code delay} being the median), then clamped to 0..{@link
 * io.chaosproxy.Fault#MAX_DURATION}. The shapes are netem's, computed here in closed form from netem's table
 * generators (iproute2's {@code netem/normal.c}, {@code pareto.c}, {@code paretonormal.c}) instead of read from
 * their 4096-entry tables; as in those tables, {@code x} is kept within -4..4 (netem stores it in 16 bits
 * scaled by 8192).
 * <ul>
 *   <li>{@link #UNIFORM}: {@code x} uniform in -1..1, so {@code delay ± jitter}. The default.</li>
 *   <li>{@link #NORMAL}: {@code x} standard normal: the jitter is the standard deviation, as in netem.</li>
 *   <li>{@link #PARETO}: netem's Pareto, shape 3, shifted to mean 0 and scaled by 4/3:
 *       {@code x = 4/3 * ((1 - u)^(-1/3) - 1.5)}, so delays run from {@code delay - 2/3 jitter} with a long
 *       tail above; the median is about {@code delay - 0.32 jitter}.</li>
 *   <li>{@link #PARETO_NORMAL}: netem's {@code paretonormal}, a quarter normal and three quarters Pareto taken
 *       at the same quantile: {@code x = (z + 3 * pareto) / 4}.</li>
 *   <li>{@link #lognormal(double)}: WireMock's {@code LogNormal(median, sigma)}: {@code delay * exp(sigma * z)},
 *       a right-skewed delay whose median is {@code delay}; it takes no jitter.</li>
 * </ul>
 *
 * @param name  {@code uniform}, {@code normal}, {@code pareto}, {@code paretonormal} or {@code lognormal}
 * @param sigma the lognormal's spread (the standard deviation of the delay's logarithm), 0..{@link #MAX_SIGMA};
 *              0 for every other shape
 */
public record LatencyDistribution(String name, double sigma) {
    /** The largest lognormal sigma: at 10 a delay is already {@code exp(40)} times its median at 4 sigmas. */
    public static final double MAX_SIGMA = 10.0;

    /** The names config files and the admin API take, the default first. */
    public static final List<String> NAMES = List.of("uniform", "normal", "pareto", "paretonormal", "lognormal");
    /** {@code delay ± jitter}, every value as likely: Toxiproxy's jitter, and netem's without a table. */
    public static final LatencyDistribution UNIFORM = new LatencyDistribution("uniform", 0);
    /** Normal around {@code delay}, the jitter being its standard deviation (netem's {@code normal}). */
    public static final LatencyDistribution NORMAL = new LatencyDistribution("normal", 0);
    /** netem's {@code pareto}: mean {@code delay}, a long tail of late chunks, few early ones. */
    public static final LatencyDistribution PARETO = new LatencyDistribution("pareto", 0);
    /** netem's {@code paretonormal}: a quarter normal, three quarters Pareto. */
    public static final LatencyDistribution PARETO_NORMAL = new LatencyDistribution("paretonormal", 0);

    /** Checks the values. */
    public LatencyDistribution {
        Objects.requireNonNull(name, "name");
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("latency distribution \"" + name + "\" is not one of " + NAMES);
        }
        if (name.equals("lognormal")) {
            if (!(sigma >= 0 && sigma <= MAX_SIGMA)) {
                throw new IllegalArgumentException("latency sigma: " + sigma + " is outside 0.0.." + MAX_SIGMA);
            }
        } else if (sigma != 0) {
            throw new IllegalArgumentException("latency sigma: " + sigma + " is for the lognormal distribution only;"
                    + " the " + name + " distribution is spread by the jitter");
        }
    }

    /**
     * WireMock's lognormal: delays whose median is the latency's {@code delay}, spread by {@code sigma} (the
     * standard deviation of their logarithm; 0.1 is mild, 0.5 a wide spread, 1 a heavy tail).
     */
    public static LatencyDistribution lognormal(double sigma) {
        return new LatencyDistribution("lognormal", sigma);
    }

    /** The distribution of that name ({@link #NAMES}, any case), with {@code sigma} for lognormal (else 0). */
    public static LatencyDistribution named(String name, double sigma) {
        return new LatencyDistribution(Objects.requireNonNull(name, "name").toLowerCase(Locale.ROOT), sigma);
    }

    /** Whether the delays are spread by {@link #sigma()} rather than by the latency's jitter. */
    public boolean isLognormal() {
        return name.equals("lognormal");
    }

    @Override
    public String toString() {
        return isLognormal() ? "lognormal(sigma=" + sigma + ")" : name;
    }
}
