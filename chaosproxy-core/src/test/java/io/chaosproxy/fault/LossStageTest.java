package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.FakeConnection.Report;
import io.chaosproxy.fault.StageHarness.Departure;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Loss on a fake clock: a lost chunk and everything behind it wait the retransmission delay; nothing reorders. */
class LossStageTest {
    private static final Duration RETRANSMIT = Duration.ofMillis(200);
    private static final int CHUNKS = 10_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 2024, -7, 987_654_321})
    void aLostChunkAndEverythingBehindItWaitTheRetransmitDelayInOrder(long seed) {
        StageHarness harness = new StageHarness(seed);
        harness.start(Fault.loss(0.05).retransmitDelay(RETRANSMIT));
        SplittableRandom gaps = new SplittableRandom(seed);
        long[] arrived = new long[CHUNKS];
        for (int i = 0; i < CHUNKS; i++) {
            arrived[i] = harness.elapsedNanos();
            harness.receive(numbered(i));
            harness.advanceNanos(gaps.nextLong(1, 20_000_000));   // 0..20 ms apart: often within 200 ms
        }
        harness.receiveEnd();
        harness.advance(RETRANSMIT);

        // A chunk was lost when the fault said so as it arrived; then it waits exactly the retransmit delay,
        // and every other chunk leaves as it arrives or right behind the one in front of it, whichever is later.
        Set<Long> lostAt = harness.reports().stream().map(Report::atNanos).collect(Collectors.toSet());
        assertThat(lostAt).as("about 5%% of %d chunks lost", CHUNKS).hasSizeBetween(400, 600);
        List<Departure> left = harness.departures();
        assertThat(left).hasSize(CHUNKS + 1);
        long previous = 0;
        for (int i = 0; i < CHUNKS; i++) {
            Departure departure = left.get(i);
            long expected = lostAt.contains(arrived[i]) ? arrived[i] + RETRANSMIT.toNanos()
                    : Math.max(arrived[i], previous);
            assertThat(departure.bytes().getInt(0)).as("chunk at position %d", i).isEqualTo(i);
            assertThat(departure.atNanos()).as("departure of chunk %d", i).isEqualTo(expected);
            previous = departure.atNanos();
        }
        assertThat(left.get(CHUNKS).isEnd()).isTrue();
        assertThat(left.get(CHUNKS).atNanos()).isGreaterThanOrEqualTo(previous);
    }

    @Test
    void probabilityOneDelaysEveryChunkButNeverTheEndBeyondItsTurn() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.loss(1.0).retransmitDelay(RETRANSMIT));
        harness.receive(numbered(0));
        harness.advance(Duration.ofMillis(300));
        harness.receiveEnd();
        assertThat(harness.departures()).extracting(Departure::atNanos)
                .containsExactly(RETRANSMIT.toNanos(), Duration.ofMillis(300).toNanos());
        assertThat(harness.reports()).extracting(Report::detail).containsExactly("retransmit after 200ms");
    }

    @Test
    void probabilityZeroPassesEveryChunkAtOnce() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.loss(0.0));
        for (int i = 0; i < 1_000; i++) {
            harness.receive(numbered(i));
            harness.advance(Duration.ofMillis(1));
        }
        assertThat(harness.departures()).extracting(Departure::waitedNanos).containsOnly(0L);
        assertThat(harness.reports()).isEmpty();
    }

    private static byte[] numbered(int i) {
        return ByteBuffer.allocate(8).putInt(i).array();
    }
}
