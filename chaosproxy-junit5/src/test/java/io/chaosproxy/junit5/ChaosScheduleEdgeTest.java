package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.Scenario;
import io.chaosproxy.ScenarioRun;
import io.chaosproxy.Step;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/** {@code @ChaosSchedule} at its edges: a class route started late, a failing test, members of every kind. */
@Timeout(60)
class ChaosScheduleEdgeTest {

    @Test
    void aClassScheduleOnADeferredRoutePlaysInEachTestAndAFailedTestLeavesTheRouteRestored() {
        var results = Kit.run(DeferredAndFailing.class);
        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(1));
        assertThat(Kit.failureMessages(results.testEvents())).singleElement().asString()
                .contains("fails while the route is down");
    }

    @ChaosRoute(name = "edge", upstream = "127.0.0.1:${schedule.edge.port}")
    @ChaosSchedule(scenario = "downWithAFault")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class DeferredAndFailing {
        static final Scenario downWithAFault = Scenario.builder()
                .at(Duration.ZERO, Step.add(Fault.noop().named("chaos")))
                .at(Duration.ZERO, Step.disable())
                .build();
        static EchoServer upstream;
        private Scenario instanceOnly = Scenario.builder().at(Duration.ZERO, Step.closeConnections()).build();

        @BeforeAll
        static void startUpstream() throws IOException {
            upstream = new EchoServer();
            System.setProperty("schedule.edge.port", String.valueOf(upstream.port()));
        }

        @AfterAll
        static void stopUpstream() throws IOException {
            System.clearProperty("schedule.edge.port");
            upstream.close();
        }

        @Test
        @Order(1)
        void failsWhileTheRouteIsDown(Route edge) {
            await().until(() -> !edge.isEnabled());
            throw new AssertionError("fails while the route is down");
        }

        @Test
        @Order(2)
        void theNextTestFindsTheRouteRestoredSoItsScheduleAddsTheFaultAgain(Route edge) throws Exception {
            ScenarioRun run = edge.scenarioRuns().isEmpty() ? null : edge.scenarioRuns().get(0);
            if (run != null) {
                assertThat(run.await(Duration.ofSeconds(10))).isTrue();
            }
            assertThat(edge.isEnabled()).isFalse();
            assertThat(edge.faults()).extracting(Fault::name).containsExactly("chaos");   // added, not a duplicate
            assertThat(edge.journal().text()).doesNotContain("failed:");
        }

        @Test
        @Order(3)
        @ChaosSchedule(scenario = "instanceOnly")
        void aPrivateInstanceFieldIsPlayedToo(Route edge) {
            await().until(() -> edge.journal().text().contains("close_connections"));
        }
    }
}
