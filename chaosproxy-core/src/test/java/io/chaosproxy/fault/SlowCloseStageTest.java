package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.FakeConnection.Report;
import io.chaosproxy.fault.StageHarness.Departure;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Slow close on a fake clock: only the end of the stream waits. */
class SlowCloseStageTest {
    private static final Duration DELAY = Duration.ofSeconds(3);

    @Test
    void dataPassesAtOnceAndOnlyTheEndWaitsTheDelay() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.slowClose(DELAY));
        for (int i = 0; i < 5; i++) {
            harness.receive(new byte[100]);
            harness.advance(Duration.ofMillis(10));
        }
        harness.receiveEnd();
        assertThat(harness.dataDepartures()).extracting(Departure::waitedNanos).containsOnly(0L);
        assertThat(harness.endForwarded()).isFalse();

        harness.advance(DELAY.minusNanos(1));
        assertThat(harness.endForwarded()).isFalse();
        harness.advanceNanos(1);
        Departure end = harness.departures().get(5);
        assertThat(end.isEnd()).isTrue();
        assertThat(end.waitedNanos()).isEqualTo(DELAY.toNanos());
        assertThat(harness.reports()).extracting(Report::detail).containsExactly("close delayed 3000ms");
        assertThat(harness.closure()).as("the stage only delays the end; closing is the engine's").isNull();
    }

    @Test
    void removingTheFaultLetsAWaitingEndGoAtOnce() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.slowClose(DELAY));
        harness.receiveEnd();
        harness.advance(Duration.ofSeconds(1));
        harness.remove();
        assertThat(harness.departures()).singleElement().satisfies(end -> {
            assertThat(end.isEnd()).isTrue();
            assertThat(end.atNanos()).isEqualTo(Duration.ofSeconds(1).toNanos());
        });
    }
}
