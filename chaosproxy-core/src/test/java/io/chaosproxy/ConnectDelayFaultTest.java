package io.chaosproxy;

import static io.chaosproxy.FaultTestSupport.payload;
import static io.chaosproxy.FaultTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectDelayFaultTest {
    private static final long DELAY_MILLIS = 500;

    @Test
    void upstreamIsContactedOnlyAfterTheDelayAndTheDataArrivesIntact() throws Exception {
        byte[] data = payload(17, 256 * 1024);
        CompletableFuture<Long> acceptedAt = new CompletableFuture<>();
        try (TcpServer upstream = echoTimingAccept(acceptedAt);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .connectDelay(Duration.ofMillis(DELAY_MILLIS)).start()) {
            long connectAt = System.nanoTime();
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                byte[] echoed = FaultTestSupport.sendAndReadAll(client, data);

                long delay = TimeUnit.NANOSECONDS.toMillis(acceptedAt.get(5, TimeUnit.SECONDS) - connectAt);
                assertThat(delay).isBetween(DELAY_MILLIS, DELAY_MILLIS + 1500);
                assertThat(echoed).hasSize(data.length);
                assertThat(sha256(echoed)).isEqualTo(sha256(data));
            }
            assertThat(upstream.acceptedConnections()).isEqualTo(1);
            assertThat(proxy.metrics().faultsInjected()).containsEntry("connect_delay", 1L);
        }
    }

    @Test
    void directionIsIgnoredAndEachConnectionIsDelayedOnce() throws Exception {
        CompletableFuture<Long> acceptedAt = new CompletableFuture<>();
        try (TcpServer upstream = echoTimingAccept(acceptedAt);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .fault(Fault.connectDelay(Duration.ofMillis(DELAY_MILLIS)).direction(Direction.BOTH))
                        .start()) {
            long connectAt = System.nanoTime();
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                out.write(1);
                assertThat(in.read()).isEqualTo(1);
                long delay = TimeUnit.NANOSECONDS.toMillis(acceptedAt.get(5, TimeUnit.SECONDS) - connectAt);
                assertThat(delay).isBetween(DELAY_MILLIS, DELAY_MILLIS + 1500);
                long roundTrip = System.nanoTime();
                out.write(2);
                assertThat(in.read()).isEqualTo(2);
                assertThat(FaultTestSupport.millisSince(roundTrip)).as("later bytes are not delayed")
                        .isLessThan(DELAY_MILLIS / 2);
            }
            assertThat(proxy.metrics().faultsInjected()).containsEntry("connect_delay", 1L);
        }
    }

    /** An echo upstream that records when its (only awaited) connection was accepted. */
    private static TcpServer echoTimingAccept(CompletableFuture<Long> acceptedAt) {
        return TcpServer.start(socket -> {
            acceptedAt.complete(System.nanoTime());
            socket.getInputStream().transferTo(socket.getOutputStream());
            socket.shutdownOutput();
        });
    }
}
