package io.chaosproxy.attack12;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.ProxyMetrics;
import io.chaosproxy.TcpServer;
import io.chaosproxy.reliability.Resources;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The README's memory bound (the high-water mark plus 256 KiB with one fault, 128 KiB more per further fault)
 * under corrupt's insert mode at probability 1.0, alone and in chains, with 16-byte messages to a client that
 * never reads: every 16-byte chunk gets up to 16 KiB of new bytes, memory the source never filled.
 */
@Timeout(60)
class InsertMemoryAttackTest {
    private static final long HIGH_WATER = 256 * 1024;

    static Stream<Arguments> chains() {
        Fault insert = Fault.corrupt(1.0).inserting();
        Fault latency = Fault.latency(Duration.ofSeconds(30));
        return Stream.of(
                Arguments.of("insert", List.of(insert)),
                Arguments.of("insert, latency 30s", List.of(insert, latency)),
                Arguments.of("latency 200ms, insert", List.of(Fault.latency(Duration.ofMillis(200)), insert)),
                Arguments.of("slicer 1, insert", List.of(Fault.slicer(1, 0, Duration.ZERO), insert)),
                Arguments.of("insert, slicer 1, latency 30s",
                        List.of(insert, Fault.slicer(1, 0, Duration.ZERO), latency)),
                Arguments.of("insert, insert", List.of(insert.named("one"), insert.named("two"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chains")
    void sixteenByteMessagesToAClientThatNeverReads(String name, List<Fault> faults) throws Exception {
        byte[] message = Bytes.payload(16, 16);
        long bound = HIGH_WATER + 256 * 1024 + 128 * 1024 * (faults.size() - 1);
        try (TcpServer upstream = TcpServer.start(socket -> {
                    socket.setTcpNoDelay(true);   // each message its own segment, so the proxy reads them one by one
                    OutputStream out = socket.getOutputStream();
                    while (true) {
                        out.write(message);
                    }
                });
                ChaosProxy proxy = proxy(upstream, faults);
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            long baseline = Resources.measure().directBytes();
            await().atMost(Duration.ofSeconds(20)).until(() -> proxy.metrics().bufferedBytes() >= HIGH_WATER);
            AtomicLong peakGrowth = new AtomicLong();
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        peakGrowth.accumulateAndGet(Resources.directMemoryUsed() - baseline, Math::max);
                        return true;
                    });
            ProxyMetrics metrics = proxy.metrics();
            System.out.printf("[insert memory] %-32s peakPipe=%5d KiB (bound %d KiB) direct growth=%5d KiB"
                    + " corrupted=%d KiB%n", name, metrics.peakPipeBufferedBytes() >> 10, bound >> 10,
                    peakGrowth.get() >> 10, metrics.bytesCorrupted() >> 10);
            assertThat(metrics.bytesCorrupted()).as("insertions happened").isPositive();
            assertThat(metrics.peakPipeBufferedBytes()).as("%s: peak pinned by one direction", name)
                    .isLessThanOrEqualTo(bound);
            // The pipe's bound, the loop's 256 KiB scratch buffer and a little for the pools' churn.
            assertThat(peakGrowth.get()).as("%s: direct memory growth", name)
                    .isLessThanOrEqualTo(bound + 256 * 1024 + 512 * 1024);
        }
    }

    private static ChaosProxy proxy(TcpServer upstream, List<Fault> faults) {
        var route = ChaosProxy.builder().seed(16).highWaterMark(HIGH_WATER).shutdownTimeout(Duration.ZERO)
                .route(0, upstream.address());
        faults.forEach(route::fault);
        return route.start();
    }
}
