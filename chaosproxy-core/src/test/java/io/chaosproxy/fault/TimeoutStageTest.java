package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.FakeConnection.Closure;
import io.chaosproxy.fault.FakeConnection.Report;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Timeout on a fake clock: the source stops at once, what arrives is held, and the connection is cut when due. */
class TimeoutStageTest {

    @Test
    void stopsTheSourceHoldsWhatArrivesAndCutsWhenTheTimeoutRunsOut() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.timeout(Duration.ofSeconds(5)));
        assertThat(harness.sourcePaused()).isTrue();
        harness.receive(new byte[300]);   // read before the pause took effect
        harness.advance(Duration.ofSeconds(5).minusNanos(1));
        assertThat(harness.departures()).isEmpty();
        assertThat(harness.heldBytes()).isEqualTo(300);
        assertThat(harness.closure()).isNull();

        harness.advanceNanos(1);
        assertThat(harness.closure())
                .isEqualTo(new Closure(Closure.Kind.CUT, "timeout_downstream after 5000ms", 5_000_000_000L));
        assertThat(harness.lostBytes()).isEqualTo(300);
        assertThat(harness.reports()).extracting(Report::detail).containsExactly("stalled, closing in 5000ms");
    }

    @Test
    void zeroStallsUntilRemovedAndNeverCuts() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.timeout(Duration.ZERO));
        harness.receive(new byte[10]);
        harness.advance(Duration.ofDays(1));
        assertThat(harness.closure()).isNull();
        assertThat(harness.sourcePaused()).isTrue();
        assertThat(harness.reports()).extracting(Report::detail).containsExactly("stalled until removed");
    }

    @Test
    void removalResumesTheSourceAndLetsTheHeldBytesGoInOrder() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.timeout(Duration.ofSeconds(5)));
        byte[] input = new byte[3_000];
        new SplittableRandom(1).nextBytes(input);
        for (int at = 0; at < input.length; at += 1_000) {
            harness.receive(Arrays.copyOfRange(input, at, at + 1_000));
        }
        harness.advance(Duration.ofSeconds(4));
        harness.remove();
        harness.advance(Duration.ofSeconds(10));

        assertThat(harness.forwardedBytes()).isEqualTo(input);
        assertThat(harness.sourcePaused()).isFalse();
        assertThat(harness.closure()).as("the cut was called off with the fault").isNull();
    }
}
