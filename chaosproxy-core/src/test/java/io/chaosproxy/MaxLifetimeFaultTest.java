package io.chaosproxy;

import static io.chaosproxy.FaultTestSupport.millisSince;
import static io.chaosproxy.FaultTestSupport.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MaxLifetimeFaultTest {
    private static final long LIFETIME_MILLIS = 500;

    @Test
    void connectionWorksThenClosesWhenItsLifetimeIsUp() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .maxLifetime(Duration.ofMillis(LIFETIME_MILLIS)).start()) {
            long start = System.nanoTime();
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                InputStream in = client.getInputStream();
                byte[] request = payload(16, 4096);
                client.getOutputStream().write(request);
                assertThat(in.readNBytes(request.length)).isEqualTo(request);

                assertThat(in.read()).as("end of stream while idle").isEqualTo(-1);
                assertThat(millisSince(start)).isBetween(LIFETIME_MILLIS, LIFETIME_MILLIS + 1500);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(proxy.metrics().faultsInjected()).containsEntry("max_lifetime", 1L);
        }
    }

    @Test
    void withResetTheClientIsResetWhenItsLifetimeIsUp() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .fault(Fault.maxLifetime(Duration.ofMillis(LIFETIME_MILLIS)).reset(true)).start()) {
            long start = System.nanoTime();
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                assertThatThrownBy(client.getInputStream()::read)
                        .isInstanceOf(SocketException.class).hasMessageContaining("reset");
                assertThat(millisSince(start)).isBetween(LIFETIME_MILLIS, LIFETIME_MILLIS + 1500);
            }
        }
    }

    @Test
    void everyConnectionGetsItsOwnLifetime() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .maxLifetime(Duration.ofMillis(LIFETIME_MILLIS)).start();
                Socket first = Sockets.connect(proxy.routes().get(0))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().activeConnections() == 1);
            assertThat(first.getInputStream().read()).isEqualTo(-1);
            long start = System.nanoTime();
            try (Socket second = Sockets.connect(proxy.routes().get(0))) {
                assertThat(second.getInputStream().read()).isEqualTo(-1);
                assertThat(millisSince(start)).isBetween(LIFETIME_MILLIS, LIFETIME_MILLIS + 1500);
            }
        }
    }
}
