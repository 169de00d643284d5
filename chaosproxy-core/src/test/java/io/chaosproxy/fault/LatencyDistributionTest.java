package io.chaosproxy.fault;

import static java.time.Duration.ofMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.StageHarness.Departure;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each latency distribution on a fake clock: 2,000 delays from a fixed seed have the shape's median and
 * percentiles (within generous bands: about ten standard errors), replay for the same seed, differ for another,
 * and correlation shows as lag-1 autocorrelation. Chunks arrive 2 s apart, so none waits behind another.
 */
class LatencyDistributionTest {
    private static final int DRAWS = 2_000;
    private static final Duration GAP = Duration.ofSeconds(2);
    private static final Latency BASE = Fault.latency(ofMillis(100)).jitter(ofMillis(20));

    @Test
    void uniformSpreadsEvenlyOverDelayPlusOrMinusJitter() {
        double[] ms = delaysMs(BASE, 42);
        assertThat(percentile(ms, 50)).isCloseTo(100, within(2.0));
        assertThat(percentile(ms, 25)).isCloseTo(90, within(2.0));
        assertThat(percentile(ms, 75)).isCloseTo(110, within(2.0));
        assertThat(min(ms)).isGreaterThanOrEqualTo(80);
        assertThat(max(ms)).isLessThanOrEqualTo(120);
    }

    @Test
    void normalHasTheJitterAsItsStandardDeviation() {
        double[] ms = delaysMs(BASE.distribution(LatencyDistribution.NORMAL), 42);
        assertThat(percentile(ms, 50)).isCloseTo(100, within(2.0));
        assertThat(percentile(ms, 15.87)).isCloseTo(80, within(3.0));    // one standard deviation below
        assertThat(percentile(ms, 84.13)).isCloseTo(120, within(3.0));
        assertThat(percentile(ms, 97.72)).isCloseTo(140, within(6.0));   // two above
        assertThat(min(ms)).isGreaterThanOrEqualTo(100 - 4 * 20);        // netem's table bound: 4 jitters
    }

    @Test
    void paretoHasNetemsShapeAShortHeadAndALongTail() {
        double[] ms = delaysMs(BASE.distribution(LatencyDistribution.PARETO), 42);
        // x = 4/3 ((1-u)^(-1/3) - 1.5): never below -2/3, median -0.320, 90th percentile 0.872, mean 0
        assertThat(min(ms)).isGreaterThanOrEqualTo(100 - 20 * 2.0 / 3);
        assertThat(percentile(ms, 50)).isCloseTo(100 - 20 * 0.320, within(2.0));
        assertThat(percentile(ms, 90)).isCloseTo(100 + 20 * 0.872, within(4.0));
        assertThat(mean(ms)).isCloseTo(100, within(3.0));
        assertThat(max(ms)).isLessThanOrEqualTo(100 + 4 * 20).isGreaterThan(100 + 2 * 20);
    }

    @Test
    void paretoNormalIsAQuarterNormalAndThreeQuartersPareto() {
        double[] ms = delaysMs(BASE.distribution(LatencyDistribution.PARETO_NORMAL), 42);
        // (z + 3 pareto) / 4 at one quantile: median (0 - 0.961) / 4 = -0.240; 90th (1.282 + 2.616) / 4 = 0.974
        assertThat(percentile(ms, 50)).isCloseTo(100 - 20 * 0.240, within(2.0));
        assertThat(percentile(ms, 90)).isCloseTo(100 + 20 * 0.974, within(4.0));
        assertThat(min(ms)).isGreaterThan(100 - 20 * 2.0);
    }

    @Test
    void lognormalHasTheDelayAsItsMedianAndSigmaAsTheSpreadOfItsLogarithm() {
        double[] ms = delaysMs(Fault.latency(ofMillis(100)).lognormal(0.5), 42);
        assertThat(percentile(ms, 50)).isCloseTo(100, within(5.0));
        assertThat(percentile(ms, 15.87)).isCloseTo(100 * Math.exp(-0.5), within(4.0));   // 60.7
        assertThat(percentile(ms, 84.13)).isCloseTo(100 * Math.exp(0.5), within(10.0));   // 164.9
        assertThat(min(ms)).isPositive();
    }

    @Test
    void theSameSeedGivesTheSameDelaysAndAnotherSeedOthers() {
        for (Latency latency : List.of(BASE.distribution(LatencyDistribution.PARETO).correlation(0.25),
                Fault.latency(ofMillis(100)).lognormal(0.3), BASE.distribution(LatencyDistribution.NORMAL))) {
            assertThat(delaysMs(latency, 7)).as(latency.toString()).isEqualTo(delaysMs(latency, 7));
            assertThat(delaysMs(latency, 7)).as(latency.toString()).isNotEqualTo(delaysMs(latency, 8));
        }
    }

    @Test
    void correlationRaisesTheLag1Autocorrelation() {
        for (LatencyDistribution shape : List.of(LatencyDistribution.UNIFORM, LatencyDistribution.NORMAL,
                LatencyDistribution.PARETO, LatencyDistribution.PARETO_NORMAL)) {
            assertThat(lag1(delaysMs(BASE.distribution(shape), 42))).as(shape.name()).isBetween(-0.1, 0.1);
            assertThat(lag1(delaysMs(BASE.distribution(shape).correlation(0.5), 42))).as(shape.name())
                    .isGreaterThan(0.35);
            assertThat(lag1(delaysMs(BASE.distribution(shape).correlation(0.9), 42))).as(shape.name())
                    .isGreaterThan(0.75);
        }
        assertThat(lag1(delaysMs(Fault.latency(ofMillis(100)).lognormal(0.5).correlation(0.5), 42)))
                .isGreaterThan(0.35);
    }

    @Test
    void chunksCloseTogetherStillLeaveInOrder() {
        StageHarness harness = new StageHarness(3);
        harness.start(Fault.latency(ofMillis(50)).jitter(ofMillis(40)).distribution(LatencyDistribution.PARETO));
        for (int i = 0; i < DRAWS; i++) {
            harness.receive(numbered(i));
            harness.advance(ofMillis(1));
        }
        harness.advance(ofMillis(300));
        List<Departure> left = harness.dataDepartures();
        assertThat(left).hasSize(DRAWS);
        for (int i = 0; i < DRAWS; i++) {
            assertThat(left.get(i).bytes().getInt(0)).as("chunk at position %d", i).isEqualTo(i);
        }
    }

    @Test
    void drawsAreClampedToZeroAndTheLongestDuration() {
        double[] early = delaysMs(Fault.latency(ofMillis(10)).jitter(ofMillis(100))
                .distribution(LatencyDistribution.NORMAL), 42, 200);
        assertThat(min(early)).isZero();

        StageHarness harness = new StageHarness(42);
        harness.start(Fault.latency(Duration.ofHours(12)).lognormal(LatencyDistribution.MAX_SIGMA));
        for (int i = 0; i < 20; i++) {
            harness.receive(numbered(i));
        }
        harness.advance(Fault.MAX_DURATION);
        assertThat(harness.dataDepartures()).hasSize(20).extracting(Departure::waitedNanos)
                .allSatisfy(w -> assertThat(w).isBetween(0L, Fault.MAX_DURATION.toNanos()))
                .contains(Fault.MAX_DURATION.toNanos());
    }

    @Test
    void valuesAreCheckedAndCopiedNeverChanged() {
        assertThatThrownBy(() -> BASE.lognormal(0.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("jitter").hasMessageContaining("sigma");
        assertThatThrownBy(() -> new LatencyDistribution("normal", 0.5)).hasMessageContaining("lognormal");
        assertThatThrownBy(() -> LatencyDistribution.lognormal(11)).hasMessageContaining("outside 0.0..10.0");
        assertThatThrownBy(() -> LatencyDistribution.named("gamma", 0)).hasMessageContaining("not one of");
        assertThatThrownBy(() -> BASE.correlation(1.5)).hasMessageContaining("correlation");
        Latency pareto = BASE.distribution(LatencyDistribution.PARETO);
        assertThat(BASE.distribution()).isEqualTo(LatencyDistribution.UNIFORM);
        assertThat(pareto.jitter(ofMillis(5)).distribution()).isEqualTo(LatencyDistribution.PARETO);
        assertThat(LatencyDistribution.named("ParetoNormal", 0)).isEqualTo(LatencyDistribution.PARETO_NORMAL);
    }

    @Test
    void aPlainLatencyPrintsAsBeforeAndADistributionShowsItself() {
        assertThat(BASE).hasToString("latency_downstream{latency=100, jitter=20, direction=downstream, toxicity=1.0}");
        assertThat(BASE.distribution(LatencyDistribution.PARETO).correlation(0.25)).hasToString(
                "latency_downstream{latency=100, jitter=20, distribution=pareto, correlation=0.25,"
                        + " direction=downstream, toxicity=1.0}");
        assertThat(Fault.latency(ofMillis(100)).lognormal(0.5)).hasToString(
                "latency_downstream{latency=100, jitter=0, distribution=lognormal, sigma=0.5,"
                        + " direction=downstream, toxicity=1.0}");
    }

    @Test
    void theNormalQuantileIsAccurate() {
        assertThat(DelayDraws.normalQuantile(0.5)).isCloseTo(0, within(1e-9));
        assertThat(DelayDraws.normalQuantile(0.975)).isCloseTo(1.959963985, within(1e-7));
        assertThat(DelayDraws.normalQuantile(0.001)).isCloseTo(-3.090232306, within(1e-7));
        assertThat(DelayDraws.normalQuantile(1e-12)).isCloseTo(-7.034483825, within(1e-5));
    }

    private static double[] delaysMs(Latency latency, long seed) {
        return delaysMs(latency, seed, DRAWS);
    }

    private static double[] delaysMs(Latency latency, long seed, int count) {
        StageHarness harness = new StageHarness(seed);
        harness.start(latency);
        for (int i = 0; i < count; i++) {
            harness.receive(numbered(i));
            harness.advance(GAP);
        }
        List<Departure> left = harness.dataDepartures();
        assertThat(left).hasSize(count);
        return left.stream().mapToDouble(d -> d.waitedNanos() / 1e6).toArray();
    }

    private static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.round(p / 100 * (sorted.length - 1)))];
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow();
    }

    private static double lag1(double[] values) {
        double mean = mean(values);
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < values.length; i++) {
            double d = values[i] - mean;
            variance += d * d;
            if (i > 0) {
                covariance += d * (values[i - 1] - mean);
            }
        }
        return covariance / variance;
    }

    private static byte[] numbered(int i) {
        return ByteBuffer.allocate(16).putInt(i).array();
    }
}
