package io.chaosproxy;

import static io.chaosproxy.FaultTestSupport.millisSince;
import static io.chaosproxy.FaultTestSupport.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ResetPeerFaultTest {
    private static final long DELAY_MILLIS = 1000;

    @Test
    void dataFlowsUntilTheDelayThenTheClientIsReset() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .resetPeer(Duration.ofMillis(DELAY_MILLIS)).start()) {
            long start = System.nanoTime();
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                for (int i = 0; i < 5; i++) {
                    byte[] request = payload(i, 4096);
                    out.write(request);
                    assertThat(in.readNBytes(request.length)).isEqualTo(request);
                }
                assertThat(millisSince(start)).as("the round trips ran before the reset").isLessThan(DELAY_MILLIS);

                assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
                assertThat(millisSince(start)).isBetween(DELAY_MILLIS, DELAY_MILLIS + 1500);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(proxy.metrics().faultsInjected()).containsEntry("reset_peer", 1L);
            assertThat(proxy.metrics().bytesDownstream()).isEqualTo(5 * 4096);
        }
    }

    @Test
    void anIdleConnectionIsResetAfterTheDelayToo() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .resetPeer(Duration.ofMillis(300)).start()) {
            long start = System.nanoTime();
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                assertThatThrownBy(client.getInputStream()::read)
                        .isInstanceOf(SocketException.class).hasMessageContaining("reset");
                assertThat(millisSince(start)).isBetween(300L, 1800L);
            }
        }
    }
}
