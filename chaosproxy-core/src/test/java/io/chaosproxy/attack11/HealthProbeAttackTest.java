package io.chaosproxy.attack11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.TcpServer;
import io.chaosproxy.Upstream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** "A TCP connect to each target every interval": also while other targets' probes hang for their timeout. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HealthProbeAttackTest {

    @Test
    void aKilledTargetIsSeenWithinAnIntervalWhileFourOthersHangTheirProbes() throws Exception {
        try (Blackhole h1 = Blackhole.start(); Blackhole h2 = Blackhole.start(); Blackhole h3 = Blackhole.start();
                Blackhole h4 = Blackhole.start(); TcpServer live = TcpServer.start(socket -> { });
                ChaosProxy proxy = ChaosProxy.builder()
                        .route(0, h1.address(), h2.address(), h3.address(), h4.address(), live.address()).name("app")
                        .healthCheck(Duration.ofMillis(100), Duration.ofSeconds(8)).start()) {
            Upstream target = proxy.route("app").upstream(live.address());
            // The four silent targets' probes are under way, each for up to 8 s.
            await().pollDelay(Duration.ofMillis(500)).until(() -> true);
            assertThat(target.healthy()).isTrue();
            live.close();
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).until(() -> !target.healthy());
            assertThat(Duration.ofNanos(System.nanoTime() - killed))
                    .as("a probe every 100 ms: seen unhealthy within").isLessThan(Duration.ofSeconds(3));
        }
    }
}
