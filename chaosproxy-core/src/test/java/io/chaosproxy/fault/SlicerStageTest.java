package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.StageHarness.Departure;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The slicer on a fake clock: slice sizes, their spacing, and bytes that reassemble to the input. */
class SlicerStageTest {
    private static final Duration DELAY = Duration.ofMillis(2);

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 2024, -7, 987_654_321})
    void slicesAreAverageSizePlusOrMinusVariationDelayApartAndReassembleToTheInput(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int average = 1 + random.nextInt(2_000);
        int variation = random.nextInt(average);
        StageHarness harness = new StageHarness(seed);
        harness.start(Fault.slicer(average, variation, DELAY));
        byte[] input = new byte[64 * 1024 + random.nextInt(64 * 1024)];
        random.nextBytes(input);
        harness.receive(input);
        harness.receiveEnd();
        harness.advance(DELAY.multipliedBy(input.length + 1L));

        List<Departure> slices = harness.dataDepartures();
        assertThat(crc32(harness.forwardedBytes())).as("checksum of what left").isEqualTo(crc32(input));
        String sizes = "average " + average + " ± " + variation;
        for (int i = 0; i < slices.size() - 1; i++) {
            assertThat(slices.get(i).size()).as(sizes).isBetween(average - variation, average + variation);
        }
        assertThat(slices.get(slices.size() - 1).size()).as("the rest, " + sizes).isBetween(1, average + variation);
        List<Departure> all = harness.departures();
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).atNanos()).as("departure %d", i).isEqualTo(i * DELAY.toNanos());
        }
        assertThat(all.get(all.size() - 1).isEnd()).isTrue();
    }

    @ParameterizedTest(name = "{0} ± {1}")
    @CsvSource({"1000, 1000", "10, 500", "1, 1", "3, 2"})
    void aVariationUpToAndPastTheAverageGivesSlicesOfOneByteUpToAveragePlusVariation(int average, int variation) {
        StageHarness harness = new StageHarness(11);
        harness.start(Fault.slicer(average, variation, DELAY));
        byte[] input = new byte[200_000];
        new SplittableRandom(11).nextBytes(input);
        harness.receive(input);
        harness.receiveEnd();
        harness.advance(DELAY.multipliedBy(input.length + 1L));

        assertThat(harness.forwardedBytes()).isEqualTo(input);
        List<Departure> slices = harness.dataDepartures();
        // Uniform in 1..average + variation (Toxiproxy's own slicer panics on a variation past the average).
        SplittableRandom draws = new SplittableRandom(11);
        int smallest = Math.max(1, average - variation);
        int offset = 0;
        for (int i = 0; i < slices.size() - 1; i++) {
            int expected = draws.nextInt(smallest, average + variation + 1);
            assertThat(slices.get(i).size()).as("slice %d", i).isEqualTo(expected);
            offset += expected;
        }
        assertThat(slices.get(slices.size() - 1).size()).as("the rest").isEqualTo(input.length - offset)
                .isBetween(1, average + variation);
        assertThat(slices).extracting(Departure::size).as("some up to the average, some past it")
                .anyMatch(size -> size <= average).anyMatch(size -> size > average);
    }

    @Test
    void withoutVariationEverySliceHasTheAverageSize() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.slicer(100, 0, Duration.ZERO));
        harness.receive(new byte[10_000]);
        assertThat(harness.dataDepartures()).hasSize(100).extracting(Departure::size).containsOnly(100);
        assertThat(harness.dataDepartures()).extracting(Departure::atNanos).as("no delay: all at once")
                .containsOnly(0L);
    }

    @Test
    void slicesOfChunksThatArriveLaterStayDelayApart() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.slicer(100, 0, Duration.ofMillis(10)));
        for (int i = 0; i < 10; i++) {
            harness.receive(new byte[200]);   // two slices each, 10 ms apart: a chunk every 12 ms is too fast
            harness.advance(Duration.ofMillis(12));
        }
        harness.advance(Duration.ofSeconds(1));

        List<Departure> slices = harness.dataDepartures();
        assertThat(slices).hasSize(20);
        for (int i = 1; i < slices.size(); i++) {
            assertThat(slices.get(i).atNanos() - slices.get(i - 1).atNanos()).as("gap before slice %d", i)
                    .isGreaterThanOrEqualTo(Duration.ofMillis(10).toNanos());
        }
    }

    @Test
    void aQuietStreamSendsItsNextSliceAtOnce() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.slicer(100, 0, Duration.ofMillis(10)));
        harness.receive(new byte[100]);
        harness.advance(Duration.ofMillis(10));
        harness.receive(new byte[100]);
        assertThat(harness.dataDepartures()).extracting(Departure::atNanos)
                .containsExactly(0L, Duration.ofMillis(10).toNanos());
    }

    @Test
    void withoutRoomToSplitItWaitsThenGoesOnWithoutLosingOrReorderingAByte() {
        StageHarness harness = new StageHarness(1);
        harness.splitBudget(5);
        harness.start(Fault.slicer(10, 5, DELAY));
        byte[] input = new byte[1_000];
        new SplittableRandom(1).nextBytes(input);
        harness.receive(input);
        harness.advance(Duration.ofSeconds(1));
        assertThat(harness.dataDepartures()).hasSize(5);
        assertThat(harness.waitsForRoomToSplit()).isTrue();

        harness.giveRoomToSplit(Long.MAX_VALUE / 2);
        harness.advance(Duration.ofSeconds(1));
        assertThat(harness.forwardedBytes()).isEqualTo(input);
        assertThat(harness.splitsWithoutRoom()).isZero();
    }

    @Test
    void removingTheFaultLetsTheRestGoAtOnceInOrder() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.slicer(10, 0, Duration.ofSeconds(1)));
        byte[] input = new byte[1_000];
        new SplittableRandom(2).nextBytes(input);
        harness.receive(Arrays.copyOfRange(input, 0, 500));
        harness.receive(Arrays.copyOfRange(input, 500, 1_000));
        harness.advance(Duration.ofMillis(2_500));
        assertThat(harness.dataDepartures()).hasSize(3);

        harness.remove();
        assertThat(harness.forwardedBytes()).isEqualTo(input);
    }

    private static long crc32(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }
}
