package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.StageHarness.Departure;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Latency on a fake clock: every chunk waits delay ± jitter, and jitter never reorders. */
class LatencyStageTest {
    private static final Duration DELAY = Duration.ofMillis(100);
    private static final Duration JITTER = Duration.ofMillis(40);
    private static final int CHUNKS = 10_000;
    private static final Duration QUIET = Duration.ofMillis(150);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 2024, -7, 987_654_321})
    void jitterNeverReordersAndEveryDelayLiesWithinDelayPlusOrMinusJitter(long seed) {
        StageHarness harness = new StageHarness(seed);
        harness.start(Fault.latency(DELAY).jitter(JITTER));
        SplittableRandom gaps = new SplittableRandom(seed);
        for (int i = 0; i < CHUNKS; i++) {
            harness.receive(numbered(i));
            // Mostly 0..2 ms apart, dozens in flight at once; now and then a pause longer than any delay, after
            // which a chunk has nobody to queue behind and shows its own delay.
            harness.advanceNanos(gaps.nextInt(10) == 0 ? QUIET.toNanos() : gaps.nextLong(0, 2_000_001));
        }
        harness.advance(DELAY.plus(JITTER));

        assertInOrderWithinTheBand(harness.dataDepartures(), CHUNKS);
    }

    @Test
    void delaysStayRightWhereTheClockWraps() {
        StageHarness harness = new StageHarness(3, Long.MAX_VALUE - DELAY.toNanos() / 2);
        harness.start(Fault.latency(DELAY).jitter(JITTER));
        for (int i = 0; i < 1_000; i++) {
            harness.receive(numbered(i));
            harness.advance(i % 10 == 0 ? QUIET : Duration.ofMillis(1));
        }
        harness.advance(DELAY.plus(JITTER));
        assertInOrderWithinTheBand(harness.dataDepartures(), 1_000);
    }

    @Test
    void theEndOfTheStreamWaitsItsTurnBehindTheData() {
        StageHarness harness = new StageHarness(5);
        harness.start(Fault.latency(DELAY).jitter(JITTER));
        for (int i = 0; i < 100; i++) {
            harness.receive(numbered(i));
        }
        harness.receiveEnd();
        harness.advance(DELAY.minus(JITTER).minusNanos(1));
        assertThat(harness.departures()).as("nothing before delay - jitter").isEmpty();

        harness.advance(JITTER.multipliedBy(2));
        List<Departure> left = harness.departures();
        assertThat(left).hasSize(101);
        assertThat(left.get(100).isEnd()).isTrue();
        assertThat(left.get(100).atNanos()).isGreaterThanOrEqualTo(left.get(99).atNanos());
    }

    @Test
    void withoutJitterEachChunkWaitsExactlyTheDelayAndItIsReportedOnce() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.latency(DELAY));
        for (int i = 0; i < 10; i++) {
            harness.receive(numbered(i));
            harness.advance(Duration.ofMillis(7));
        }
        harness.advance(DELAY);
        assertThat(harness.dataDepartures()).extracting(Departure::waitedNanos).containsOnly(DELAY.toNanos());
        assertThat(harness.reports()).extracting(FakeConnection.Report::detail)
                .containsExactly("delaying each chunk 100ms");
    }

    @Test
    void removingTheFaultLetsEveryDelayedChunkGoAtOnceInOrder() {
        StageHarness harness = new StageHarness(9);
        harness.start(Fault.latency(DELAY).jitter(JITTER));
        for (int i = 0; i < 50; i++) {
            harness.receive(numbered(i));
            harness.advance(Duration.ofMillis(1));
        }
        harness.remove();
        harness.receive(numbered(50));

        List<Departure> left = harness.dataDepartures();
        assertThat(left).hasSize(51);
        assertThat(left).extracting(Departure::atNanos).containsOnly(Duration.ofMillis(50).toNanos());
        for (int i = 0; i < left.size(); i++) {
            assertThat(left.get(i).bytes().getInt(0)).isEqualTo(i);
        }
    }

    private static void assertInOrderWithinTheBand(List<Departure> left, int count) {
        assertThat(left).hasSize(count);
        long low = DELAY.minus(JITTER).toNanos();
        long high = DELAY.plus(JITTER).toNanos();
        long shortest = Long.MAX_VALUE;
        long longest = 0;
        for (int i = 0; i < count; i++) {
            Departure departure = left.get(i);
            assertThat(departure.bytes().getInt(0)).as("chunk at position %d", i).isEqualTo(i);
            assertThat(departure.waitedNanos()).as("delay of chunk %d", i).isBetween(low, high);
            shortest = Math.min(shortest, departure.waitedNanos());
            longest = Math.max(longest, departure.waitedNanos());
        }
        // The band is really used, or the test would pass for a latency without jitter.
        assertThat(shortest).isLessThan(DELAY.minus(JITTER.dividedBy(2)).toNanos());
        assertThat(longest).isGreaterThan(DELAY.plus(JITTER.dividedBy(2)).toNanos());
    }

    private static byte[] numbered(int i) {
        return ByteBuffer.allocate(16).putInt(i).array();
    }
}
