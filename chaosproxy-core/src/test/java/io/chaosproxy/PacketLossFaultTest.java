package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Packet loss through real sockets: the upstream sends a counter (big-endian ints 0, 1, 2...), so every byte
 * says where in the stream it belongs and each gap the fault cut can be measured. A slicer in front cuts the
 * stream into 1 KiB chunks, so the fault decides about two thousand times.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PacketLossFaultTest {
    private static final int SIZE = 2 << 20;
    private static final int SLICE = 1024;

    /** A kept run of the stream, from {@code offset} (in what was sent) for {@code length} bytes. */
    private record Run(long offset, long length) {
    }

    @ParameterizedTest(name = "loss_rate {0}, correlation {1}")
    @CsvSource({"0.2, 0.0, 0.2, 1.25", "0.2, 0.6, 0.5, 5.0"})
    void theStreamArrivesWithGapsAsToxiproxysRateAndCorrelationMakeThem(double rate, double correlation,
            double expectedShare, double expectedBurst) throws Exception {
        byte[] counter = counter(SIZE);
        List<String> dropped = new CopyOnWriteArrayList<>();
        try (TcpServer upstream = FaultTestSupport.sender(counter, true);
                ChaosProxy proxy = ChaosProxy.builder().seed(42)
                        .listener(event -> {
                            if (event instanceof ChaosEvent.FaultInjected injected
                                    && injected.fault().type().equals("packet_loss")) {
                                dropped.add(injected.detail());
                            }
                        })
                        .route(0, upstream.address())
                        .slicer(SLICE, 0, Duration.ZERO)
                        .fault(Fault.packetLoss(rate).correlation(correlation)).start()) {
            byte[] received;
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                received = client.getInputStream().readAllBytes();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().activeConnections() == 0);

            List<Run> runs = runs(received);
            long lost = SIZE - received.length;
            List<Long> gaps = gaps(runs);
            assertThat(gaps.stream().mapToLong(Long::longValue).sum()).as("the gaps add up to what was lost")
                    .isEqualTo(lost);
            assertThat((double) lost / SIZE).as("share of the stream lost").isBetween(expectedShare - 0.1,
                    expectedShare + 0.1);
            double meanBurst = (double) lost / gaps.size() / SLICE;
            System.out.printf("[packet_loss] rate %.2f correlation %.2f: lost %.3f of the stream in %d gaps,"
                    + " mean gap %.2f KiB%n", rate, correlation, (double) lost / SIZE, gaps.size(), meanBurst);
            assertThat(meanBurst).as("mean gap, in 1 KiB chunks").isBetween(expectedBurst * 0.7, expectedBurst * 1.5);
            await().atMost(Duration.ofSeconds(5)).until(() -> dropped.size()
                    == proxy.metrics().faultsInjected().getOrDefault("packet_loss", 0L));
            assertThat(dropped.stream().mapToLong(PacketLossFaultTest::droppedBytes).sum())
                    .as("bytes the fault reported dropping").isEqualTo(lost);
            assertThat(proxy.metrics().bytesDownstream()).isEqualTo(received.length);
        }
    }

    @Test
    void rateOneDropsEveryByteButTheStreamStillEnds() throws Exception {
        byte[] counter = counter(64 * 1024);
        try (TcpServer upstream = FaultTestSupport.sender(counter, true);
                ChaosProxy proxy = ChaosProxy.builder().seed(1).route(0, upstream.address())
                        .fault(Fault.packetLoss(1.0)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertThat(client.getInputStream().readAllBytes()).isEmpty();
            assertThat(proxy.metrics().faultsInjected().get("packet_loss")).isPositive();
        }
    }

    @Test
    void rateOneBehindALatencyStillEndsTheStream() throws Exception {
        // The latency fills the pipe to its high-water mark, so the proxy stops reading; then the drops alone
        // drain it, and nothing is written: reading must resume all the same, or the stream never ends.
        byte[] counter = counter(1 << 20);
        try (TcpServer upstream = FaultTestSupport.sender(counter, true);
                ChaosProxy proxy = ChaosProxy.builder().seed(1).highWaterMark(64 * 1024)
                        .route(0, upstream.address()).latency(Duration.ofMillis(20))
                        .fault(Fault.packetLoss(1.0)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            client.shutdownOutput();
            assertThat(client.getInputStream().readAllBytes()).isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(proxy.metrics().bytesDownstream()).isZero();
        }
    }

    private static byte[] counter(int size) {
        ByteBuffer bytes = ByteBuffer.allocate(size);
        for (int i = 0; bytes.hasRemaining(); i++) {
            bytes.putInt(i);
        }
        return bytes.array();
    }

    /** The byte the counter has at {@code offset}. */
    private static byte counterByte(long offset) {
        return (byte) ((offset / 4) >>> (8 * (3 - offset % 4)));
    }

    /**
     * Where each kept run came from. At the start of a run its offset is unknown: of the four ways the bytes may
     * align with the counter's ints, the one that matches for longest is it; the run goes on while bytes match.
     */
    private static List<Run> runs(byte[] received) {
        List<Run> runs = new ArrayList<>();
        int position = 0;
        while (position < received.length) {
            long bestOffset = -1;
            int bestLength = 0;
            for (int align = 0; align < 4 && position + align + 4 <= received.length; align++) {
                long offset = 4L * ByteBuffer.wrap(received, position + align, 4).getInt() - align;
                int length = 0;
                while (position + length < received.length && offset >= 0
                        && received[position + length] == counterByte(offset + length)) {
                    length++;
                }
                if (length > bestLength) {
                    bestLength = length;
                    bestOffset = offset;
                }
            }
            assertThat(bestLength).as("bytes at %d match the counter somewhere", position).isPositive();
            runs.add(new Run(bestOffset, bestLength));
            position += bestLength;
        }
        return runs;
    }

    /** The gaps, in bytes: before each run, between runs, and after the last one; each one positive. */
    private static List<Long> gaps(List<Run> runs) {
        List<Long> gaps = new ArrayList<>();
        long expected = 0;
        for (Run run : runs) {
            assertThat(run.offset()).as("runs in order").isGreaterThanOrEqualTo(expected);
            if (run.offset() > expected) {
                gaps.add(run.offset() - expected);
            }
            expected = run.offset() + run.length();
        }
        if (expected < SIZE) {
            gaps.add(SIZE - expected);
        }
        return gaps;
    }

    /** N of {@code "bytes=N dropped"}. */
    private static long droppedBytes(String detail) {
        return Long.parseLong(detail.substring("bytes=".length(), detail.indexOf(' ')));
    }
}
