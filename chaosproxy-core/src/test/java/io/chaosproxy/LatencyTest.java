package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatencyTest {

    @Test
    void everyRoundTripTakesAtLeastTheLatencyAndNotGrosslyMore() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .latency(Duration.ofMillis(200)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            for (int i = 0; i < 5; i++) {
                long start = System.nanoTime();
                out.write(i);
                assertThat(in.read()).isEqualTo(i);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(millis).isBetween(200L, 700L);
            }
        }
    }

    @Test
    void delayedChunksKeepTheirOrder() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .latency(Duration.ofMillis(20)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            OutputStream out = client.getOutputStream();
            for (int i = 0; i < 200; i++) {
                out.write(i);   // many small writes: many chunks, each delayed on its own
                out.flush();
            }
            client.shutdownOutput();
            byte[] echoed = client.getInputStream().readAllBytes();
            assertThat(echoed).hasSize(200);
            for (int i = 0; i < 200; i++) {
                assertThat(echoed[i]).isEqualTo((byte) i);
            }
        }
    }

    @Test
    void latencyDelaysOnlyTheWayBack() throws Exception {
        // The upstream timestamps arrival; the client's bytes must reach it without the delay.
        java.util.concurrent.CompletableFuture<Long> arrived = new java.util.concurrent.CompletableFuture<>();
        try (TcpServer upstream = TcpServer.stampingEcho(arrived);
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .latency(Duration.ofMillis(300)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            long sent = System.nanoTime();
            client.getOutputStream().write(1);
            assertThat(client.getInputStream().read()).isEqualTo(1);
            long back = System.nanoTime();
            assertThat(TimeUnit.NANOSECONDS.toMillis(arrived.get() - sent)).isLessThan(200);
            assertThat(TimeUnit.NANOSECONDS.toMillis(back - arrived.get())).isGreaterThanOrEqualTo(295);
        }
    }
}
