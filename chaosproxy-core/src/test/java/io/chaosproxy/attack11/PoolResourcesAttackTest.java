package io.chaosproxy.attack11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import io.chaosproxy.TcpServer;
import io.chaosproxy.reliability.Resources;
import java.net.Socket;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 2,000 connections through a pool with a dead target, half of them failing over from it on a fresh socket each:
 * no file descriptor, thread or direct memory left, while the proxy runs and after it closed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolResourcesAttackTest {
    private static final int CONNECTIONS = 2_000;
    private static final int FD_TOLERANCE = 8;
    private static final long DIRECT_TOLERANCE = 5L << 20;

    @Test
    void failoversFromADeadTargetLeaveNoDescriptorThreadOrDirectMemory() throws Exception {
        String dead = Ports.dead();
        try (TcpServer echo = TcpServer.echo()) {
            try (ChaosProxy warmUp = ChaosProxy.builder().route(0, dead, echo.address()).start()) {
                echoes(warmUp.routes().get(0), 100);
            }
            Resources baseline = Resources.settled();
            ChaosProxy proxy = ChaosProxy.builder().route(0, dead, echo.address()).name("app")
                    .circuitBreaker(1_000_000, Duration.ofSeconds(1)).start();   // a breaker that never opens
            Resources running;
            Resources afterAll;
            try {
                Route app = proxy.route("app");
                echoes(app, 100);
                await().until(() -> app.metrics().activeConnections() == 0);
                running = Resources.settled();
                echoes(app, CONNECTIONS);
                await().until(() -> app.metrics().activeConnections() == 0);
                await().until(() -> app.upstreams().stream().allMatch(u -> u.activeConnections() == 0));
                assertThat(app.upstream(dead).connectFailures()).isEqualTo((CONNECTIONS + 100) / 2);
                afterAll = Resources.settled();
            } finally {
                proxy.close();
            }
            Set<String> threadsLeft = new HashSet<>(Sockets.proxyThreads());
            threadsLeft.removeAll(baseline.proxyThreads());
            assertThat(threadsLeft).as("threads when close() returned").isEmpty();
            Resources after = Resources.settled();
            if (Resources.canCountFileDescriptors()) {
                assertThat(afterAll.fileDescriptors()).as("fds after %d connections (%s before them)", CONNECTIONS,
                        running).isLessThanOrEqualTo(running.fileDescriptors() + FD_TOLERANCE);
                assertThat(after.fileDescriptors()).as("fds after close (baseline %s)", baseline)
                        .isLessThanOrEqualTo(baseline.fileDescriptors() + FD_TOLERANCE);
            }
            assertThat(afterAll.directBytes()).as("direct memory after the connections (%s before)", running)
                    .isLessThanOrEqualTo(running.directBytes() + DIRECT_TOLERANCE);
            assertThat(after.directBytes()).as("direct memory after close (baseline %s)", baseline)
                    .isLessThanOrEqualTo(baseline.directBytes() + DIRECT_TOLERANCE);
        }
    }

    private static void echoes(Route route, int count) throws Exception {
        for (int i = 0; i < count; i++) {
            try (Socket client = Sockets.connect(route.localPort())) {
                client.getOutputStream().write(i & 0x7f);
                assertThat(client.getInputStream().read()).isEqualTo(i & 0x7f);
            }
        }
    }
}
