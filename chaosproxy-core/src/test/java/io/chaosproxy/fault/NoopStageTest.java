package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Noop, Toxiproxy's do-nothing toxic: what reaches it leaves at once, unchanged, and data may bypass it. */
class NoopStageTest {

    @Test
    void everyByteLeavesAtOnceUnchangedAndTheEngineMayBypassIt() {
        StageHarness harness = new StageHarness(1);
        assertThat(harness.start(Fault.noop()).forwardsEveryChunkUnchanged()).isTrue();
        byte[] data = new byte[10_000];
        new SplittableRandom(3).nextBytes(data);
        harness.receive(data);
        harness.receiveEnd();
        assertThat(harness.forwardedBytes()).isEqualTo(data);
        assertThat(harness.departures()).extracting(StageHarness.Departure::atNanos).containsOnly(0L);
        assertThat(harness.endForwarded()).isTrue();
        assertThat(harness.reports()).isEmpty();
    }
}
