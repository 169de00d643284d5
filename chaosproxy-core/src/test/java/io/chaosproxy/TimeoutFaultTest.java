package io.chaosproxy;

import static io.chaosproxy.FaultTestSupport.inBackground;
import static io.chaosproxy.FaultTestSupport.millisSince;
import static io.chaosproxy.FaultTestSupport.payload;
import static io.chaosproxy.FaultTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TimeoutFaultTest {
    private static final int SIZE = 1 << 20;
    private static final long HIGH_WATER = 64 * 1024;

    @Test
    void stalledDownloadDeliversNothingUntilTheFaultIsRemovedThenEveryByteUnchanged() throws Exception {
        byte[] data = payload(1, SIZE);
        try (TcpServer upstream = FaultTestSupport.sender(data, true);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .timeout(Duration.ZERO).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            InputStream in = client.getInputStream();
            client.setSoTimeout(300);
            assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
            assertThat(proxy.metrics().bytesDownstream()).isZero();

            proxy.routes().get(0).removeFault("timeout_downstream");
            client.setSoTimeout(20_000);
            byte[] received = in.readAllBytes();

            assertThat(received).hasSize(SIZE);
            assertThat(sha256(received)).isEqualTo(sha256(data));
            assertThat(proxy.metrics().bytesDownstream()).isEqualTo(SIZE);
        }
    }

    @Test
    void stalledUploadReachesTheUpstreamOnlyAfterTheFaultIsRemovedAndNeverOverfillsTheProxy() throws Exception {
        byte[] data = payload(2, SIZE);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        AtomicLong arrived = new AtomicLong();
        try (TcpServer upstream = FaultTestSupport.receiver(received, arrived);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).highWaterMark(HIGH_WATER)
                        .route(0, upstream.address())
                        .fault(Fault.timeout(Duration.ZERO).direction(Direction.UPSTREAM)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            CompletableFuture<Void> sent = inBackground("test-uploader", () -> {
                client.getOutputStream().write(data);
                client.shutdownOutput();
            });
            // Nothing reaches the upstream for 300 ms, and the proxy never holds more than its high-water mark.
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() ->
                    arrived.get() == 0 && proxy.metrics().bufferedBytes() <= HIGH_WATER + Sockets.PIPE_SLACK);

            proxy.routes().get(0).removeFault("timeout_upstream");

            assertThat(received.get(20, TimeUnit.SECONDS)).hasSize(SIZE).isEqualTo(data);
            sent.get(20, TimeUnit.SECONDS);
            assertThat(proxy.metrics().peakPipeBufferedBytes()).isLessThanOrEqualTo(HIGH_WATER + Sockets.PIPE_SLACK);
        }
    }

    @Test
    void timeoutAddedDuringAnUploadStopsItAtOnceAndLosesNothing() throws Exception {
        int first = 1 << 20;
        int size = 8 << 20;
        byte[] data = payload(3, size);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        AtomicLong arrived = new AtomicLong();
        CountDownLatch stalled = new CountDownLatch(1);
        try (TcpServer upstream = FaultTestSupport.receiver(received, arrived);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).highWaterMark(HIGH_WATER)
                        .route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            CompletableFuture<Void> sent = inBackground("test-uploader", () -> {
                OutputStream out = client.getOutputStream();
                out.write(data, 0, first);
                stalled.await();
                out.write(data, first, size - first);
                client.shutdownOutput();
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> arrived.get() == first);

            route.addFault(Fault.timeout(Duration.ZERO).direction(Direction.UPSTREAM));
            await().atMost(Duration.ofSeconds(5)).until(() -> !route.connections().isEmpty()
                    && route.connections().get(0).faults().size() == 1);
            stalled.countDown();
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() ->
                    arrived.get() == first && proxy.metrics().bufferedBytes() <= HIGH_WATER + Sockets.PIPE_SLACK);

            route.removeFault("timeout_upstream");

            byte[] got = received.get(30, TimeUnit.SECONDS);
            assertThat(got).hasSize(size);
            assertThat(sha256(got)).isEqualTo(sha256(data));
            sent.get(20, TimeUnit.SECONDS);
            assertThat(proxy.metrics().peakPipeBufferedBytes()).isLessThanOrEqualTo(HIGH_WATER + Sockets.PIPE_SLACK);
        }
    }

    @Test
    void timeoutClosesTheConnectionAfterTheDelayAndNotGrosslyLater() throws Exception {
        try (TcpServer upstream = FaultTestSupport.sender("hello".getBytes(StandardCharsets.UTF_8), false);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .timeout(Duration.ofMillis(300)).start()) {
            long start = System.nanoTime();
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                // "hello" is lost when the fault closes the connection: the client sees a reset, not an end of stream
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.getInputStream().readAllBytes())
                        .isInstanceOf(java.net.SocketException.class);
                long millis = millisSince(start);
                assertThat(millis).isBetween(300L, 1800L);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(proxy.metrics().faultsInjected()).containsEntry("timeout", 1L);
        }
    }
}
