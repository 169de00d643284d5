package io.chaosproxy;

import static io.chaosproxy.FaultTestSupport.payload;
import static io.chaosproxy.FaultTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TerminateFaultTest {

    @Test
    void probabilityOneResetsTheClientOnTheFirstData() throws Exception {
        try (TcpServer upstream = FaultTestSupport.sender("hello".getBytes(StandardCharsets.UTF_8), false);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .terminate(1.0).start()) {
            for (int i = 0; i < 3; i++) {
                try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                    assertThatThrownBy(client.getInputStream()::read).as("connection %d", i)
                            .isInstanceOf(SocketException.class).hasMessageContaining("reset");
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(proxy.metrics().bytesDownstream()).isZero();
            assertThat(proxy.metrics().faultsInjected()).containsEntry("terminate", 3L);
        }
    }

    @Test
    void probabilityOneOnTheUploadResetsWhenTheClientSends() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .fault(Fault.terminate(1.0).direction(Direction.UPSTREAM)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            client.getOutputStream().write(payload(14, 100));
            assertThatThrownBy(client.getInputStream()::read)
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            assertThat(proxy.metrics().bytesUpstream()).isZero();
        }
    }

    @Test
    void probabilityZeroLetsEveryByteThrough() throws Exception {
        byte[] data = payload(15, 512 * 1024);
        try (TcpServer upstream = FaultTestSupport.sender(data, true);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .terminate(0.0).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            byte[] received = client.getInputStream().readAllBytes();
            assertThat(received).hasSize(data.length);
            assertThat(sha256(received)).isEqualTo(sha256(data));
            assertThat(proxy.metrics().faultsInjected()).doesNotContainKey("terminate");
        }
    }
}
