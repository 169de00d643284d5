package io.chaosproxy;

import static io.chaosproxy.FaultTestSupport.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitDataFaultTest {

    /** The upstream keeps its side open: only the limit can end the stream the client reads. */
    @ParameterizedTest(name = "limit {0} of a {1}-byte transfer")
    @CsvSource({"0, 10000", "1000, 100000", "10000, 10000", "100000, 100000"})
    void clientReceivesExactlyTheLimitThenEndOfStream(long limit, int size) throws Exception {
        byte[] data = payload(limit, size);
        try (TcpServer upstream = FaultTestSupport.sender(data, false);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .limitData(limit).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            byte[] received = client.getInputStream().readAllBytes();

            assertThat(received).hasSize((int) limit).isEqualTo(Arrays.copyOf(data, (int) limit));
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(proxy.metrics().bytesDownstream()).isEqualTo(limit);
            assertThat(proxy.metrics().faultsInjected()).containsEntry("limit_data", 1L);
        }
    }

    @Test
    void upstreamReceivesExactlyTheLimitWhenTheFaultIsOnTheUpload() throws Exception {
        byte[] data = payload(9, 100_000);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        try (TcpServer upstream = FaultTestSupport.receiver(received, new AtomicLong());
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .fault(Fault.limitData(1000).direction(Direction.UPSTREAM)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            try {
                client.getOutputStream().write(data);
                client.getInputStream().readAllBytes();   // EOF, or a reset if the proxy left our bytes unread
            } catch (IOException expected) {
                // The connection is cut once the limit is reached; the client may see that as a reset.
            }

            assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo(Arrays.copyOf(data, 1000));
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(proxy.metrics().bytesUpstream()).isEqualTo(1000);
        }
    }

    @Test
    void aTransferBelowTheLimitPassesWhole() throws Exception {
        byte[] data = payload(10, 50_000);
        try (TcpServer upstream = FaultTestSupport.sender(data, true);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .limitData(1_000_000).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertThat(client.getInputStream().readAllBytes()).isEqualTo(data);
            assertThat(proxy.metrics().faultsInjected()).doesNotContainKey("limit_data");
        }
    }
}
