package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A slow reader never makes the proxy hold more than its high-water mark, and loses nothing. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BackpressureTest {
    private static final long SIZE = 256L << 20;
    private static final long HIGH_WATER = 256 * 1024;

    @Test
    void slowConsumerKeepsTheProxysBufferUnderTheHighWaterMark() throws Exception {
        assertSlowConsumerGetsEverything(ChaosProxy.builder().highWaterMark(HIGH_WATER));
    }

    @Test
    void slowConsumerBehindLatencyKeepsTheBufferUnderTheHighWaterMark() throws Exception {
        // With a delay in the way bytes queue inside the proxy: here the high-water mark is what stops reading.
        assertSlowConsumerGetsEverything(ChaosProxy.builder().highWaterMark(HIGH_WATER), Duration.ofMillis(1));
    }

    private static void assertSlowConsumerGetsEverything(ChaosProxy.Builder builder) throws Exception {
        assertSlowConsumerGetsEverything(builder, Duration.ZERO);
    }

    private static void assertSlowConsumerGetsEverything(ChaosProxy.Builder builder, Duration latency)
            throws Exception {
        try (TcpServer upstream = TcpServer.start(socket -> {
                    OutputStream out = socket.getOutputStream();
                    byte[] block = new byte[256 * 1024];
                    for (long sent = 0; sent < SIZE; sent += block.length) {
                        block[0] = (byte) (sent >>> 18);   // vary the bytes a little so a reordering shows
                        out.write(block);
                    }
                });
                ChaosProxy proxy = builder.route(0, upstream.address()).latency(latency).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            client.setReceiveBufferSize(64 * 1024);
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            long total = 0;
            long blockStarts = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    long offset = total + i;
                    if (offset % (256 * 1024) == 0) {
                        assertThat(buffer[i]).isEqualTo((byte) (offset >>> 18));
                        blockStarts++;
                    }
                }
                total += n;
                if (total % (4 << 20) < n) {
                    // The slowness under test: a reader that stops now and then, as a busy consumer does.
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }
            assertThat(total).isEqualTo(SIZE);
            assertThat(blockStarts).isEqualTo(SIZE / (256 * 1024));
            ProxyMetrics metrics = proxy.metrics();
            assertThat(metrics.bytesDownstream()).isEqualTo(SIZE);
            assertThat(metrics.peakPipeBufferedBytes()).isPositive().isLessThanOrEqualTo(HIGH_WATER + Sockets.PIPE_SLACK);
        }
    }
}
