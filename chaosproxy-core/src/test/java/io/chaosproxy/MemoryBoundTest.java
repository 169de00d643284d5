package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.reliability.Resources;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The README's memory bound, read where it matters: the JVM's direct buffer pool. Each case makes one direction
 * hold as much as it can (a client that never reads, a fault that holds everything) with the small pieces that
 * used to pin a whole 64 KiB buffer each, and checks that direct memory stays within the bound the whole time.
 */
class MemoryBoundTest {
    private static final long HIGH_WATER = 1 << 20;
    /** Both directions at the bound, the loops' scratch buffers and what their pools keep free. */
    private static final long ALLOWED_GROWTH = 2 * (HIGH_WATER + Sockets.PIPE_SLACK) + 4 * HIGH_WATER;

    @Test
    void slicesOf64BytesToAClientThatNeverReads() throws Exception {
        byte[] block = FaultTestSupport.payload(1, 64 * 1024);
        AtomicLong written = new AtomicLong();
        try (TcpServer upstream = TcpServer.start(socket -> writeForever(socket, block, written));
                ChaosProxy proxy = proxy(upstream, Fault.slicer(64, 0, Duration.ZERO));
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertDirectMemoryBounded(proxy, written);
        }
    }

    @Test
    void sixteenByteMessagesHeldByLatency() throws Exception {
        byte[] message = FaultTestSupport.payload(2, 16);
        AtomicLong written = new AtomicLong();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    socket.setTcpNoDelay(true);   // each message its own segment, so the proxy reads them one by one
                    writeForever(socket, message, written);
                });
                ChaosProxy proxy = proxy(upstream, Fault.latency(Duration.ofSeconds(30)));
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertDirectMemoryBounded(proxy, written);
        }
    }

    @Test
    void aStallAgainstAFastSender() throws Exception {
        byte[] block = FaultTestSupport.payload(3, 8 * 1024);
        AtomicLong written = new AtomicLong();
        try (TcpServer upstream = TcpServer.start(socket -> writeForever(socket, block, written));
                ChaosProxy proxy = proxy(upstream, Fault.bandwidth(0));
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertDirectMemoryBounded(proxy, written);
        }
    }

    private long baseline;

    @org.junit.jupiter.api.BeforeEach
    void measureBaseline() {
        baseline = Resources.settled().directBytes();   // once the cleaner has freed what earlier tests dropped
    }

    private static ChaosProxy proxy(TcpServer upstream, Fault fault) {
        return ChaosProxy.builder().seed(7).highWaterMark(HIGH_WATER).shutdownTimeout(Duration.ZERO)
                .route(0, upstream.address()).fault(fault).start();
    }

    private void assertDirectMemoryBounded(ChaosProxy proxy, AtomicLong written) {
        // First the proxy must really be full, or the bound would prove nothing.
        await().atMost(Duration.ofSeconds(20)).until(() -> proxy.metrics().bufferedBytes() >= HIGH_WATER / 2);
        AtomicLong peak = new AtomicLong();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    long growth = Resources.directMemoryUsed() - baseline;
                    peak.accumulateAndGet(growth, Math::max);
                    return growth <= ALLOWED_GROWTH;
                });
        ProxyMetrics metrics = proxy.metrics();
        System.out.printf("direct memory growth peak %d KiB (allowed %d KiB); proxy holds %d KiB, one direction at"
                + " most %d KiB; upstream wrote %d KiB%n", peak.get() >> 10, ALLOWED_GROWTH >> 10,
                metrics.bufferedBytes() >> 10, metrics.peakPipeBufferedBytes() >> 10, written.get() >> 10);
        assertThat(metrics.peakPipeBufferedBytes()).isLessThanOrEqualTo(HIGH_WATER + Sockets.PIPE_SLACK);
    }

    private static void writeForever(Socket socket, byte[] data, AtomicLong written) throws java.io.IOException {
        OutputStream out = socket.getOutputStream();
        while (true) {
            out.write(data);
            written.addAndGet(data.length);
        }
    }
}
