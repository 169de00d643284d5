package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.Scenario;
import io.chaosproxy.ScenarioRun;
import io.chaosproxy.Step;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code @ChaosSchedule}: a scenario played while a test runs, cancelled and its route restored after it. */
@Timeout(60)
class ChaosScheduleTest {

    @Test
    void aMethodsScheduleRunsDuringItsTestThenIsCancelledAndTheRouteRestored() {
        Kit.run(Scheduled.class).testEvents().assertStatistics(s -> s.succeeded(3).failed(0));
        assertThat(Scheduled.runs).hasSize(2).allSatisfy(run -> assertThat(run.isDone()).isTrue());
        assertThat(Scheduled.runs).filteredOn(run -> run.scenario().times() == Scenario.FOREVER).singleElement()
                .satisfies(run -> assertThat(run.isCancelled()).isTrue());   // cancelled after its test
    }

    @Test
    void aBadScheduleFailsTheTestAndNamesWhatIsWrong() {
        var results = Kit.run(BadSchedules.class);
        results.testEvents().assertStatistics(s -> s.failed(3));
        assertThat(Kit.failureMessages(results.testEvents())).containsExactlyInAnyOrder(
                "ExtensionConfigurationException: @ChaosSchedule on ChaosScheduleTest.BadSchedules.noSuchMember():"
                        + " no field or no-argument method 'nope' of type Scenario in ChaosScheduleTest.BadSchedules or"
                        + " a class enclosing it",
                "ExtensionConfigurationException: @ChaosSchedule on ChaosScheduleTest.BadSchedules.noSuchRoute(): no"
                        + " route named 'cache'; routes: [db]",
                "ExtensionConfigurationException: @ChaosSchedule on ChaosScheduleTest.BadSchedules.both(): give"
                        + " scenario (a field or method) or resource (a file on the class path), one of them");
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:9", latency = "1ms")
    static class Scheduled {
        static final List<ScenarioRun> runs = new CopyOnWriteArrayList<>();
        static final Scenario addingFaults = Scenario.builder()
                .at(Duration.ZERO, Step.add(Fault.noop().named("chaos")))
                .at(Duration.ofMillis(10), Step.remove("chaos"))
                .length(Duration.ofMillis(20)).repeatForever().build();

        @Test
        @ChaosSchedule(route = "db", scenario = "addingFaults")
        void playsForeverWhileTheTestRuns(@RouteName("db") Route db) {
            assertThat(db.scenarioRuns()).hasSize(1);
            runs.addAll(db.scenarioRuns());
            await().until(() -> db.scenarioRuns().get(0).stepsDone() >= 3);
            await().until(() -> db.faults().size() == 2);   // the declared latency and the scenario's noop
        }

        @Test
        @ChaosSchedule(resource = "/schedules/down-then-up.yaml")
        void aResourceFileTakesTheRouteDownAndUp(Route db) throws Exception {
            ScenarioRun run = db.scenarioRuns().get(0);
            runs.add(run);
            await().until(() -> !db.isEnabled() || run.isDone());
            if (!run.isDone()) {
                try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), db.localPort())) {
                    throw new AssertionError("connected to a disabled route");
                } catch (ConnectException expected) {
                    // down, as scheduled
                }
            }
            assertThat(run.await(Duration.ofSeconds(10))).isTrue();
            assertThat(db.isEnabled()).isTrue();
        }

        @Test
        void afterwardsNoRunIsLeftAndTheRouteHasItsDeclaredFaults(Route db) {
            assertThat(db.scenarioRuns()).isEmpty();
            assertThat(db.faults()).extracting(Fault::name).containsExactly("latency_downstream");
            assertThat(db.isEnabled()).isTrue();
        }

        @AfterAll
        static void noRunOutlivesItsTest() {
            assertThat(runs).allSatisfy(run -> assertThat(run.isDone()).isTrue());
        }
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:9")
    static class BadSchedules {
        static Scenario some() {
            return Scenario.builder().at(Duration.ZERO, Step.enable()).build();
        }

        @Test
        @ChaosSchedule(scenario = "nope")
        void noSuchMember() {
        }

        @Test
        @ChaosSchedule(route = "cache", scenario = "some")
        void noSuchRoute() {
        }

        @Test
        @ChaosSchedule(scenario = "some", resource = "/schedules/down-then-up.yaml")
        void both() {
        }
    }
}
