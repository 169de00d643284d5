package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@code @ChaosRoute(latency = "100ms", jitter = "10ms")} is per-chunk latency, read by the one duration grammar;
 * the deprecated {@code latencyMs} and {@code jitterMs} mean the same.
 */
@Timeout(60)
class LatencyAttributeTest {
    static final List<List<Fault>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Test
    void latencyAndItsDeprecatedTwinMakeTheSamePerChunkLatency() {
        seen.clear();
        Kit.run(Durations.class, Millis.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        Fault expected = Fault.latency(Duration.ofMillis(100)).jitter(Duration.ofMillis(10));
        assertThat(seen).containsExactlyInAnyOrder(List.of(expected), List.of(expected));
    }

    @Test
    void aLatencyThatIsNoDurationFailsTheClassQuotingIt() {
        assertThat(containerFailure(NoDuration.class)).contains("@ChaosRoute on LatencyAttributeTest.NoDuration",
                "route 'db'", "latency \"100\" is not a duration; expected a number and a unit");
    }

    @Test
    void bothSpellingsAtOnceFail() {
        assertThat(containerFailure(Both.class)).contains("latencyMs 100 is given with latency too");
    }

    @Test
    void jitterWithoutLatencyFails() {
        assertThat(containerFailure(JitterAlone.class)).contains("jitter \"5ms\" needs a latency");
    }

    private static String containerFailure(Class<?> fixture) {
        EngineExecutionResults results = Kit.run(fixture);
        results.testEvents().assertStatistics(s -> s.started(0));
        List<String> messages = Kit.failureMessages(results.containerEvents());
        assertThat(messages).singleElement().asString().startsWith("ExtensionConfigurationException");
        return messages.get(0);
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1", latency = "100ms", jitter = "10ms")
    static class Durations {
        @Test void test(Route db) { seen.add(db.faults()); }
    }

    @SuppressWarnings("deprecation")
    @ChaosRoute(name = "db", upstream = "127.0.0.1:1", latencyMs = 100, jitterMs = 10)
    static class Millis {
        @Test void test(Route db) { seen.add(db.faults()); }
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1", latency = "100")
    static class NoDuration { @Test void neverRuns() { } }

    @SuppressWarnings("deprecation")
    @ChaosRoute(name = "db", upstream = "127.0.0.1:1", latency = "100ms", latencyMs = 100)
    static class Both { @Test void neverRuns() { } }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1", jitter = "5ms")
    static class JitterAlone { @Test void neverRuns() { } }
}
