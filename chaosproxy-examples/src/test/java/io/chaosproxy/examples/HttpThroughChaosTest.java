package io.chaosproxy.examples;

import static io.chaosproxy.examples.HttpThroughChaos.LATENCY_MS;
import static io.chaosproxy.examples.HttpThroughChaos.MAX_ATTEMPTS;
import static io.chaosproxy.examples.HttpThroughChaos.SEED;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.examples.HttpThroughChaos.Result;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpThroughChaosTest {

    @Test
    void retryPolicyGetsEveryCallThroughDropsAndEachCallPaysTheLatency() throws Exception {
        Result result = HttpThroughChaos.run(SEED, 0.3, 5);

        assertThat(result.calls()).hasSize(5).allSatisfy(call -> {
            assertThat(call.succeeded()).isTrue();
            assertThat(call.body()).isEqualTo("hello from upstream");
            assertThat(call.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(LATENCY_MS));
        });
        // The seed makes the route drop some connections, and the policy saw each drop as one failed attempt.
        assertThat(result.failedAttempts()).isPositive();
        assertThat(result.droppedConnections()).isEqualTo(result.failedAttempts());
        // Each attempt was a new connection, so each one met the drop decision.
        assertThat(result.acceptedConnections()).isEqualTo(result.attempts());
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
                && (t.getName().startsWith("chaos-proxy-") || t.getName().equals("HTTP-Dispatcher")));
    }

    @Test
    void dropRateOneFailsEveryAttemptAndTheCallGivesUpAfterMaxAttempts() throws Exception {
        Result result = HttpThroughChaos.run(SEED, 1.0, 1);

        assertThat(result.calls()).singleElement().satisfies(call -> {
            assertThat(call.succeeded()).isFalse();
            assertThat(call.attempts()).isEqualTo(MAX_ATTEMPTS);
        });
        assertThat(result.failedAttempts()).isEqualTo(MAX_ATTEMPTS);
        assertThat(result.droppedConnections()).isEqualTo(MAX_ATTEMPTS);
    }
}
