package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.FakeConnection.Report;
import io.chaosproxy.fault.StageHarness.Departure;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Packet loss on a fake clock, Toxiproxy's meaning: a dropped chunk's bytes never leave (the stream has a gap),
 * and right after a drop the rate is {@code loss_rate + correlation}.
 */
class PacketLossStageTest {
    private static final int CHUNKS = 10_000;

    @ParameterizedTest(name = "seed {0}, rate {1}, correlation {2}")
    @CsvSource({"1, 0.2, 0.0", "42, 0.2, 0.6", "-7, 0.5, 0.9", "2024, 0.05, 0.3"})
    void eachChunkIsDroppedWhenTheSeedSaysSoAndEveryOtherLeavesInOrder(long seed, double rate, double correlation) {
        StageHarness harness = new StageHarness(seed);
        harness.start(Fault.packetLoss(rate).correlation(correlation));
        for (int i = 0; i < CHUNKS; i++) {
            harness.receive(numbered(i, 4 + i % 100));
        }
        harness.receiveEnd();

        // Toxiproxy's rule, replayed with the stage's seed: one draw per chunk against the rate of the moment.
        SplittableRandom draws = new SplittableRandom(seed);
        List<Integer> kept = new ArrayList<>();
        long droppedBytes = 0;
        boolean droppedLast = false;
        for (int i = 0; i < CHUNKS; i++) {
            droppedLast = draws.nextDouble() < (droppedLast ? Math.min(1.0, rate + correlation) : rate);
            if (droppedLast) {
                droppedBytes += 4 + i % 100;
            } else {
                kept.add(i);
            }
        }
        assertThat(harness.dataDepartures()).extracting(d -> d.bytes().getInt(0)).containsExactlyElementsOf(kept);
        assertThat(harness.discardedBytes()).isEqualTo(droppedBytes);
        assertThat(harness.reports()).hasSize(CHUNKS - kept.size());
        assertThat(harness.departures().get(harness.departures().size() - 1).isEnd()).isTrue();
    }

    @Test
    void lossComesInBurstsAsLongAsCorrelationMakesThem() {
        // Dropped in steady state: rate / (1 - correlation) = 0.5; a burst lasts 1 / (1 - rate - correlation) = 5.
        StageHarness harness = new StageHarness(3);
        harness.start(Fault.packetLoss(0.2).correlation(0.6));
        for (int i = 0; i < CHUNKS; i++) {
            harness.receive(numbered(i, 8));
        }
        List<Integer> gaps = gaps(harness.dataDepartures());
        long dropped = gaps.stream().mapToLong(Integer::longValue).sum();
        assertThat((double) dropped / CHUNKS).as("share dropped").isBetween(0.45, 0.55);
        assertThat((double) dropped / gaps.size()).as("mean burst, in chunks").isBetween(4.5, 5.5);
    }

    @Test
    void onceDroppedWithFullCorrelationEverythingIsDroppedButTheEndStillLeaves() {
        StageHarness harness = new StageHarness(5);
        harness.start(Fault.packetLoss(0.1).correlation(0.9));
        for (int i = 0; i < 1_000; i++) {
            harness.receive(numbered(i, 4));
        }
        harness.receiveEnd();
        List<Departure> kept = harness.dataDepartures();
        int firstDropped = kept.size();
        assertThat(kept).extracting(d -> d.bytes().getInt(0))
                .as("every chunk before the first drop, then none").isEqualTo(range(firstDropped));
        assertThat(harness.reports()).hasSize(1_000 - firstDropped)
                .first().extracting(Report::detail).isEqualTo("bytes=4 dropped");
        assertThat(harness.endForwarded()).isTrue();
    }

    @Test
    void rateZeroDropsNothing() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.packetLoss(0.0).correlation(1.0));
        for (int i = 0; i < 1_000; i++) {
            harness.receive(numbered(i, 4));
        }
        assertThat(harness.dataDepartures()).hasSize(1_000);
        assertThat(harness.discardedBytes()).isZero();
        assertThat(harness.reports()).isEmpty();
    }

    /** Chunk {@code i}: its number, then zeros up to {@code size} bytes (4 or more). */
    private static byte[] numbered(int i, int size) {
        return ByteBuffer.allocate(size).putInt(i).array();
    }

    /** How many numbered chunks are missing before each one that left, where any are. */
    private static List<Integer> gaps(List<Departure> kept) {
        List<Integer> gaps = new ArrayList<>();
        int expected = 0;
        for (Departure departure : kept) {
            int number = departure.bytes().getInt(0);
            if (number > expected) {
                gaps.add(number - expected);
            }
            expected = number + 1;
        }
        if (expected < CHUNKS) {
            gaps.add(CHUNKS - expected);
        }
        return gaps;
    }

    private static List<Integer> range(int count) {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            numbers.add(i);
        }
        return numbers;
    }
}
