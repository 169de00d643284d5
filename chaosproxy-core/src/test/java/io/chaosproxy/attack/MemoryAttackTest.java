package io.chaosproxy.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.ProxyMetrics;
import io.chaosproxy.reliability.Resources;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Promise 1: one direction of one connection pins at most the high-water mark plus 128 KiB. Each case fills
 * one or both directions (senders that never stop, receivers that never read) through a fault, or a chain of
 * faults, and watches ProxyMetrics.peakPipeBufferedBytes and the JVM's direct buffer pool.
 */
class MemoryAttackTest {
    private static final long HIGH_WATER = 256 * 1024;
    private static final Duration FILL_TIME = Duration.ofMillis(1500);

    static Stream<Arguments> oneDirection() {
        return Stream.of(
                Arguments.of("slicer 65", List.of(Fault.slicer(65, 0, Duration.ZERO)), 65536),
                Arguments.of("slicer 100±37", List.of(Fault.slicer(100, 37, Duration.ZERO)), 65536),
                Arguments.of("slicer 1000", List.of(Fault.slicer(1000, 0, Duration.ZERO)), 65536),
                Arguments.of("slicer 17000 of 17000-byte writes", List.of(Fault.slicer(17000, 0, Duration.ZERO)), 17000),
                Arguments.of("slicer 17000±16000", List.of(Fault.slicer(17000, 16000, Duration.ZERO)), 65536),
                Arguments.of("slicer 65 with 1ms delay", List.of(Fault.slicer(65, 0, Duration.ofMillis(1))), 65536),
                Arguments.of("bandwidth 1 B/s", List.of(Fault.bandwidth(1)), 65536),
                Arguments.of("bandwidth 6500 B/s", List.of(Fault.bandwidth(6500)), 65536),
                Arguments.of("bandwidth 10 GB/s", List.of(Fault.bandwidth(10_000_000_000L)), 65536),
                Arguments.of("latency 30s ± 10s, 1-byte writes",
                        List.of(Fault.latency(Duration.ofSeconds(30)).jitter(Duration.ofSeconds(10))), 1),
                Arguments.of("loss 0.5, 30 s retransmit", List.of(Fault.loss(0.5).retransmitDelay(Duration.ofSeconds(30))), 65),
                Arguments.of("slowClose", List.of(Fault.slowClose(Duration.ofSeconds(30))), 100),
                Arguments.of("timeout 0", List.of(Fault.timeout(Duration.ZERO)), 65536),
                Arguments.of("limitData huge", List.of(Fault.limitData(1L << 40)), 1000),
                Arguments.of("corrupt 1.0", List.of(Fault.corrupt(1.0)), 17000),
                // Up to 16 KiB of new bytes before every chunk: memory the source never filled.
                Arguments.of("corrupt 1.0 inserting", List.of(Fault.corrupt(1.0).inserting()), 17000),
                Arguments.of("corrupt 1.0 inserting, 1-byte writes", List.of(Fault.corrupt(1.0).inserting()), 1),
                // Chains: pieces cut by one stage and held by the next are never merged (only the outbound
                // queue merges), so each keeps a buffer of its own.
                Arguments.of("slicer 65 then latency 30s", List.of(Fault.slicer(65, 0, Duration.ZERO),
                        Fault.latency(Duration.ofSeconds(30))), 65536),
                Arguments.of("slicer 1 then latency 30s", List.of(Fault.slicer(1, 0, Duration.ZERO),
                        Fault.latency(Duration.ofSeconds(30))), 65536),
                Arguments.of("slicer 17 then timeout 0", List.of(Fault.slicer(17, 0, Duration.ZERO),
                        Fault.timeout(Duration.ZERO)), 65536),
                Arguments.of("slicer 65 then loss 1.0", List.of(Fault.slicer(65, 0, Duration.ZERO),
                        Fault.loss(1.0).retransmitDelay(Duration.ofSeconds(30))), 65536));
    }

    /** The upstream writes {@code writeSize}-byte blocks forever; the client never reads. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("oneDirection")
    void aClientThatNeverReads(String name, List<Fault> faults, int writeSize) throws Exception {
        byte[] block = Attack.payload(1, writeSize);
        try (Upstream upstream = Upstream.start(socket -> {
                    socket.setTcpNoDelay(true);
                    Attack.writeForever(socket, block);
                });
                ChaosProxy proxy = proxy(upstream, faults);
                Socket client = Attack.connect(proxy.routes().get(0).localPort())) {
            assertBounded(name, proxy, 1);
        }
    }

    static Stream<Arguments> bothDirections() {
        return Stream.of(
                Arguments.of("slicer 65", Fault.slicer(65, 0, Duration.ZERO)),
                Arguments.of("slicer 17000±16000", Fault.slicer(17000, 16000, Duration.ZERO)),
                Arguments.of("bandwidth 100 kB/s", Fault.bandwidth(100_000)),
                Arguments.of("latency 30s", Fault.latency(Duration.ofSeconds(30))),
                Arguments.of("timeout 0", Fault.timeout(Duration.ZERO)),
                Arguments.of("no fault (fast path)", Fault.corrupt(0.0)));
    }

    /** Both sides write forever and neither ever reads. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bothDirections")
    void bothSidesWriteAndNeverRead(String name, Fault fault) throws Exception {
        byte[] block = Attack.payload(2, 65536);
        try (Upstream upstream = Upstream.start(socket -> Attack.writeForever(socket, block));
                ChaosProxy proxy = proxy(upstream, List.of(fault.direction(Direction.BOTH)));
                Socket client = Attack.connect(proxy.routes().get(0).localPort())) {
            Thread writer = new Thread(() -> {
                try {
                    Attack.writeForever(client, block);
                } catch (Exception e) {
                    // the test closed the socket
                }
            }, "attack-client-writer");
            writer.setDaemon(true);
            writer.start();
            assertBounded(name, proxy, 2);
        }
    }

    static Stream<Arguments> slowReader() {
        return oneDirection().filter(arguments -> {
            String name = (String) arguments.get()[0];
            return name.startsWith("slicer 65") || name.startsWith("bandwidth 10");
        });
    }

    /** A client that reads one byte every 100 ms from a slicer of odd slices: the drain never catches up. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("slowReader")
    void aClientThatReadsOneByteAtATime(String name, List<Fault> faults, int writeSize) throws Exception {
        byte[] block = Attack.payload(3, writeSize);
        try (Upstream upstream = Upstream.start(socket -> Attack.writeForever(socket, block));
                ChaosProxy proxy = proxy(upstream, faults);
                Socket client = Attack.connect(proxy.routes().get(0).localPort())) {
            client.setReceiveBufferSize(1024);
            Thread reader = new Thread(() -> {
                try {
                    while (client.getInputStream().read() >= 0) {
                        Thread.sleep(100);   // the slow reader under test: one byte every 100 ms, not a wait
                    }
                } catch (Exception e) {
                    // the test closed the socket
                }
            }, "attack-slow-reader");
            reader.setDaemon(true);
            reader.start();
            assertBounded(name, proxy, 1);
        }
    }

    private static ChaosProxy proxy(Upstream upstream, List<Fault> faults) {
        var route = ChaosProxy.builder().seed(7).highWaterMark(HIGH_WATER).shutdownTimeout(Duration.ZERO)
                .route(0, upstream.address());
        for (Fault fault : faults) {
            route.fault(fault);
        }
        return route.start();
    }

    private static void assertBounded(String name, ChaosProxy proxy, int directions) throws InterruptedException {
        long baseline = Resources.measure().directBytes();
        AtomicLong peakGrowth = new AtomicLong();
        // Sampled every 10 ms for the whole fill time: the peak is what counts.
        await().during(FILL_TIME).atMost(FILL_TIME.plusSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
            peakGrowth.accumulateAndGet(Resources.directMemoryUsed() - baseline, Math::max);
            return true;
        });
        ProxyMetrics metrics = proxy.metrics();
        System.out.printf("[memory] %-40s peakPipe=%6d KiB (bound %d KiB) buffered now=%6d KiB direct growth=%6d KiB%n",
                name, metrics.peakPipeBufferedBytes() >> 10, (HIGH_WATER + Attack.PIPE_SLACK) >> 10,
                metrics.bufferedBytes() >> 10, peakGrowth.get() >> 10);
        assertThat(metrics.peakPipeBufferedBytes()).as("%s: peak pinned by one direction", name)
                .isLessThanOrEqualTo(HIGH_WATER + Attack.PIPE_SLACK);
        // The pipes' bound, plus the loops' 256 KiB scratch buffers and a little for the pools' churn.
        assertThat(peakGrowth.get()).as("%s: direct memory growth", name)
                .isLessThanOrEqualTo(directions * (HIGH_WATER + Attack.PIPE_SLACK) + 2 * 256 * 1024 + 512 * 1024);
    }
}
