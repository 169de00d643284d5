package io.chaosproxy;

import static io.chaosproxy.FaultTestSupport.payload;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowCloseFaultTest {
    private static final long DELAY_MILLIS = 800;

    @Test
    void dataArrivesAtOnceButTheEndOfStreamOnlyAfterTheDelay() throws Exception {
        byte[] data = payload(7, 10_000);
        CompletableFuture<Long> finSent = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    socket.getOutputStream().write(data);
                    finSent.complete(System.nanoTime());
                    socket.shutdownOutput();
                    socket.getInputStream().readAllBytes();
                });
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .slowClose(Duration.ofMillis(DELAY_MILLIS)).start()) {
            long start = System.nanoTime();
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                InputStream in = client.getInputStream();
                byte[] received = in.readNBytes(data.length);
                long dataAt = System.nanoTime();
                assertThat(in.read()).as("end of stream").isEqualTo(-1);
                long eofAt = System.nanoTime();

                assertThat(received).isEqualTo(data);
                assertThat(TimeUnit.NANOSECONDS.toMillis(dataAt - start)).as("data is not delayed")
                        .isLessThan(DELAY_MILLIS / 2);
                long finDelay = TimeUnit.NANOSECONDS.toMillis(eofAt - finSent.get(5, TimeUnit.SECONDS));
                assertThat(finDelay).isBetween(DELAY_MILLIS, DELAY_MILLIS + 1500);
            }
            assertThat(proxy.metrics().faultsInjected()).containsEntry("slow_close", 1L);
        }
    }

    @Test
    void theClientsCloseIsNotDelayedWhenOnlyTheDownstreamIsFaulted() throws Exception {
        CompletableFuture<Long> eofAtUpstream = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    socket.getInputStream().readAllBytes();
                    eofAtUpstream.complete(System.nanoTime());
                });
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .slowClose(Duration.ofMillis(DELAY_MILLIS)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            client.getOutputStream().write(payload(8, 1000));
            long closed = System.nanoTime();
            client.shutdownOutput();
            long millis = TimeUnit.NANOSECONDS.toMillis(eofAtUpstream.get(10, TimeUnit.SECONDS) - closed);
            assertThat(millis).isLessThan(DELAY_MILLIS / 2);
        }
    }
}
