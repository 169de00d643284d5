package io.chaosproxy;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scenarios at their edges: a removed route, the end as a waiter sees it, the journal's lines, many runs at once. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScenarioEdgeTest {

    @Test
    void aRemovedRouteRefusesToPlayAndKeepsNoRun() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db").start()) {
            Route db = proxy.route("db");
            proxy.removeRoute("db");
            Scenario forever = Scenario.builder().at(Duration.ZERO, Step.closeConnections()).length(ofMillis(10))
                    .repeatForever().build();
            assertThatThrownBy(() -> db.play(forever)).isInstanceOf(IllegalStateException.class)
                    .hasMessage("route 'db' was removed; play on a route the proxy has");
            assertThat(proxy.scenarioRuns()).isEmpty();
        }
    }

    @Test
    void awaitReturnsOnlyOnceTheEndIsToldAndAListenerOfTheEndMayAwaitIt() throws Exception {
        List<Object> told = new CopyOnWriteArrayList<>();
        ScenarioRun[] run = new ScenarioRun[1];
        CountDownLatch never = new CountDownLatch(1);
        ChaosListener slowOnTheEnd = event -> {
            if (event instanceof ChaosEvent.ScenarioEnded ended) {
                try {
                    never.await(300, TimeUnit.MILLISECONDS);   // a slow listener: await() must not pass it
                    told.add(run[0].await(ofSeconds(5)));      // on the thread ending the run: no wait for itself
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                told.add(ended);
            }
        };
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(slowOnTheEnd).route(0, upstream.address())
                        .name("db").start()) {
            run[0] = proxy.route("db").play(Scenario.builder().at(Duration.ZERO, Step.closeConnections()).build());
            long started = System.nanoTime();
            assertThat(run[0].await(ofSeconds(10))).isTrue();
            assertThat(told).containsExactly(true, new ChaosEvent.ScenarioEnded("db", run[0].id(), "completed", 1, 0));
            assertThat(System.nanoTime() - started).isLessThan(ofSeconds(5).toNanos());   // no await of 5 s inside
            assertThat(proxy.journal().text()).contains("db scenario 1 completed, 1 step\n");
        }
    }

    @Test
    void theJournalReadsEachStepWithItsNumberHowLateAndWhyItFailed() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db").start()) {
            ScenarioRun run = proxy.route("db").play(Scenario.builder()
                    .at(Duration.ZERO, Step.add(Fault.latency(ofMillis(5))))
                    .at(ofMillis(20), Step.disable())
                    .at(ofMillis(30), Step.remove("cut"))
                    .at(ofMillis(40), Step.enable())
                    .at(ofMillis(40), Step.remove("latency_downstream"))
                    .length(ofMillis(50))
                    .repeat(2)
                    .build());
            assertThat(run.await(ofSeconds(10))).isTrue();
            List<String> lines = proxy.journal().entries().stream()
                    .filter(e -> e.kind().wireName().startsWith("scenario")).map(JournalEntry::toString)
                    .map(line -> line.replaceFirst("^\\+\\d+ ms ", "").replaceAll("\\(\\d+(\\.\\d)? ms late\\)", "(late)"))
                    .toList();
            assertThat(lines).containsExactly(
                    "db scenario 1 step 1 add latency_downstream (late)",
                    "db scenario 1 step 2 disable (late)",
                    "db scenario 1 step 3 remove cut (late) failed: route 'db' has no fault named 'cut'; it has"
                            + " [latency_downstream]",
                    "db scenario 1 step 4 enable (late)",
                    "db scenario 1 step 5 remove latency_downstream (late)",
                    "db scenario 1 cycle 2 step 1 add latency_downstream (late)",
                    "db scenario 1 cycle 2 step 2 disable (late)",
                    "db scenario 1 cycle 2 step 3 remove cut (late) failed: route 'db' has no fault named 'cut'; it"
                            + " has [latency_downstream]",
                    "db scenario 1 cycle 2 step 4 enable (late)",
                    "db scenario 1 cycle 2 step 5 remove latency_downstream (late)",
                    "db scenario 1 completed, 10 steps (2 failed)");
            assertThat(proxy.journal().entries()).filteredOn(e -> e.kind() == JournalEntry.Kind.SCENARIO_STEP)
                    .extracting(JournalEntry::subject).containsOnly("1");
        }
    }

    @Test
    void aThousandRunsAtOnceEndOnTimeAndLeaveNoRunBehind() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db").start()) {
            Route db = proxy.route("db");
            Scenario twoSteps = Scenario.builder().at(Duration.ZERO, Step.closeConnections())
                    .at(ofMillis(200), Step.closeConnections()).build();
            List<ScenarioRun> runs = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 1000; i++) {
                runs.add(db.play(twoSteps));
            }
            for (ScenarioRun run : runs) {
                assertThat(run.await(ofSeconds(30))).isTrue();
            }
            assertThat(runs).allMatch(run -> run.stepsDone() == 2 && !run.isCancelled());
            assertThat(db.scenarioRuns()).isEmpty();
            assertThat(proxy.scenarioRuns()).isEmpty();
        }
    }
}
