package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.FakeConnection.Closure;
import io.chaosproxy.fault.FakeConnection.Report;
import io.chaosproxy.fault.StageHarness.Departure;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Limit data: exactly N bytes pass, then the end, then the connection closes. */
class LimitDataStageTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 42, 2024})
    void exactlyTheLimitPassesThenTheEndAndTheConnectionCloses(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] input = new byte[10_000 + random.nextInt(50_000)];
        random.nextBytes(input);
        long limit = random.nextInt(input.length);   // somewhere inside the stream, a chunk boundary or not
        StageHarness harness = new StageHarness(seed);
        harness.start(Fault.limitData(limit));
        for (int at = 0; at < input.length; ) {
            int size = Math.min(1 + random.nextInt(5_000), input.length - at);
            harness.receive(Arrays.copyOfRange(input, at, at + size));
            at += size;
        }
        harness.receiveEnd();

        assertThat(harness.forwardedBytes()).isEqualTo(Arrays.copyOf(input, (int) limit));
        List<Departure> left = harness.departures();
        assertThat(left.get(left.size() - 1).isEnd()).isTrue();
        assertThat(harness.sourcePaused()).isTrue();
        assertThat(harness.closure()).isEqualTo(new Closure(Closure.Kind.END_THEN_CLOSE, "limit reached", 0));
        assertThat(harness.reports()).extracting(Report::detail)
                .containsExactly("limit of " + limit + " bytes reached");
    }

    @Test
    void aLimitExactlyAtAChunkBoundaryForwardsWholeChunks() {
        StageHarness harness = new StageHarness(1);
        harness.splitBudget(0);
        harness.start(Fault.limitData(200));
        harness.receive(new byte[100]);
        harness.receive(new byte[100]);
        harness.receive(new byte[100]);
        assertThat(harness.departures()).extracting(Departure::size).containsExactly(100, 100, 0);
        assertThat(harness.splitsWithoutRoom()).isZero();
        assertThat(harness.closure().kind()).isEqualTo(Closure.Kind.END_THEN_CLOSE);
    }

    @Test
    void aStreamShorterThanTheLimitEndsAsItWould() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.limitData(1_000));
        harness.receive(new byte[999]);
        harness.receiveEnd();
        assertThat(harness.forwardedByteCount()).isEqualTo(999);
        assertThat(harness.endForwarded()).isTrue();
        assertThat(harness.closure()).isNull();
        assertThat(harness.sourcePaused()).isFalse();
        assertThat(harness.reports()).isEmpty();
    }

    @Test
    void zeroPassesNothing() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.limitData(0));
        harness.receive(new byte[10]);
        assertThat(harness.departures()).singleElement().extracting(Departure::isEnd).isEqualTo(true);
        assertThat(harness.discardedBytes()).isEqualTo(10);
        assertThat(harness.closure().reason()).isEqualTo("limit reached");
    }
}
