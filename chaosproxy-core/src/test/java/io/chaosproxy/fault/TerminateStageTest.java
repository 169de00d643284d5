package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.FakeConnection.Closure;
import org.junit.jupiter.api.Test;

/** Terminate: the chunk it picks is dropped and the connection reset; the end of the stream is never picked. */
class TerminateStageTest {

    @Test
    void probabilityOneResetsAtTheFirstDataAndPassesNothing() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.terminate(1.0));
        harness.receive(new byte[100]);
        harness.receive(new byte[100]);
        assertThat(harness.departures()).isEmpty();
        assertThat(harness.closure()).isEqualTo(new Closure(Closure.Kind.RESET, "terminate_downstream", 0));
        assertThat(harness.discardedBytes()).isEqualTo(100);
    }

    @Test
    void anEmptyStreamEndsNormallyWhateverTheProbability() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.terminate(1.0));
        harness.receiveEnd();
        assertThat(harness.endForwarded()).isTrue();
        assertThat(harness.closure()).isNull();
    }

    @Test
    void aboutTheProbabilityOfConnectionsAreResetAtTheirFirstChunk() {
        int reset = 0;
        for (long seed = 0; seed < 10_000; seed++) {
            StageHarness harness = new StageHarness(seed);
            harness.start(Fault.terminate(0.25));
            harness.receive(new byte[1]);
            reset += harness.closure() != null ? 1 : 0;
        }
        assertThat(reset).as("connections reset of 10,000 at 0.25").isBetween(2_300, 2_700);
    }
}
