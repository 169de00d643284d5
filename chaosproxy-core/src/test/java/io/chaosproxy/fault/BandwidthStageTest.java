package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.StageHarness.Departure;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bandwidth's token bucket on a fake clock: rate × time within one burst, in pieces when chunks are bigger. */
class BandwidthStageTest {
    private static final int CHUNK = 64 * 1024;
    private static final long SECOND = 1_000_000_000L;

    @ParameterizedTest(name = "{0} bytes/s")
    @ValueSource(longs = {1, 1_000, 65_536, 1_000_000, 1_000_000_000})
    void aBackloggedStreamGetsRateTimesTimeWithinOneBurst(long rate) {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.bandwidth(rate));
        long burst = Math.max(1, rate / 100);
        ByteBuffer block = ByteBuffer.allocate(CHUNK);   // shared by every chunk: only counts matter here
        for (int tick = 1; tick <= 1_000; tick++) {
            // Always more waiting than the next 10 ms can take, so the stream is never quiet.
            for (long missing = rate / 100 + burst + CHUNK - harness.heldBytes(); missing > 0; missing -= CHUNK) {
                harness.receive(block.duplicate());
            }
            harness.advance(Duration.ofMillis(10));
            if (tick % 100 == 0) {
                long expected = rate * tick / 100;
                assertThat(harness.forwardedByteCount()).as("bytes after %d s", tick / 100)
                        .isBetween(expected - burst, expected);
            }
        }
        if (burst < CHUNK) {
            assertThat(harness.dataDepartures()).as("pieces of a chunk bigger than the credit")
                    .extracting(Departure::size).allSatisfy(size -> assertThat((long) size).isLessThanOrEqualTo(burst));
        }
        assertThat(harness.splitsWithoutRoom()).isZero();
    }

    @Test
    void aChunkBiggerThanTheCreditLeavesInPiecesAtTheRateInOrder() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.bandwidth(1_000));   // a burst of 10 bytes
        byte[] data = randomBytes(1_000);
        harness.receive(data);
        harness.receiveEnd();
        harness.advance(Duration.ofSeconds(2));

        List<Departure> pieces = harness.dataDepartures();
        assertThat(pieces).extracting(Departure::size).containsOnly(10);
        assertThat(pieces).extracting(Departure::atNanos).containsExactlyElementsOf(
                LongStream.rangeClosed(1, 100).map(i -> i * SECOND / 100).boxed().toList());
        assertThat(harness.forwardedBytes()).isEqualTo(data);
        assertThat(harness.departures().get(100).isEnd()).isTrue();
        assertThat(harness.reports()).extracting(FakeConnection.Report::detail)
                .containsExactly("limiting to 1000 bytes/s");
    }

    @Test
    void aQuietStreamGetsOneBurstAtOnceThenTheRate() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.bandwidth(100_000));   // a burst of 1000 bytes
        harness.advance(Duration.ofSeconds(10));   // quiet: the bucket fills up to one burst, no more
        harness.receive(randomBytes(5_000));
        assertThat(harness.forwardedByteCount()).as("at once").isEqualTo(1_000);

        harness.advance(Duration.ofMillis(40).minusNanos(1));
        assertThat(harness.forwardedByteCount()).isLessThan(5_000);
        harness.advanceNanos(1);
        assertThat(harness.forwardedByteCount()).as("4000 more bytes at 100 kB/s take 40 ms").isEqualTo(5_000);
    }

    @Test
    void zeroHoldsEveryByteUntilTheFaultIsRemovedThenLetsItAllGoInOrder() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.bandwidth(0));
        byte[] data = randomBytes(100_000);
        for (int at = 0; at < data.length; at += 10_000) {
            harness.receive(Arrays.copyOfRange(data, at, at + 10_000));
        }
        harness.receiveEnd();
        harness.advance(Duration.ofHours(1));
        assertThat(harness.departures()).isEmpty();
        assertThat(harness.heldBytes()).isEqualTo(data.length);

        harness.remove();
        assertThat(harness.forwardedBytes()).isEqualTo(data);
        assertThat(harness.endForwarded()).isTrue();
    }

    @Test
    void withoutRoomToSplitItWaitsThenGoesOnWithoutLosingOrReorderingAByte() {
        StageHarness harness = new StageHarness(1);
        harness.splitBudget(3);
        harness.start(Fault.bandwidth(1_000));
        byte[] data = randomBytes(1_000);
        harness.receive(data);
        harness.advance(Duration.ofSeconds(1));
        assertThat(harness.forwardedByteCount()).as("three pieces of 10 bytes, then no room").isEqualTo(30);
        assertThat(harness.waitsForRoomToSplit()).isTrue();

        harness.giveRoomToSplit(Long.MAX_VALUE / 2);
        harness.advance(Duration.ofSeconds(2));
        assertThat(harness.forwardedBytes()).isEqualTo(data);
        assertThat(harness.splitsWithoutRoom()).isZero();
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
