package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlicerFaultTest {
    private static final long SEED = 42;

    @Test
    void oneMessageArrivesInManySlicesSpreadOverTime() throws Exception {
        byte[] message = randomBytes(10_000);
        try (TcpServer upstream = writesOnce(message);
                ChaosProxy proxy = ChaosProxy.builder().seed(SEED).route(0, upstream.address())
                        .slicer(100, 20, Duration.ofMillis(1)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Reads reads = readAll(client.getInputStream());
            assertThat(reads.bytes).isEqualTo(message);
            // Slices are 80..120 bytes, so at least 84 of them, the first at once and each next one 1 ms
            // later at the earliest. The client may read several slices at once, so the reads only show that
            // the message did not come whole; the time shows that every slice waited its turn.
            assertThat(reads.count).isGreaterThan(1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(reads.lastNanos - reads.firstNanos))
                    .isGreaterThanOrEqualTo(83);
        }
    }

    @Test
    void longDelaysShowEverySliceAsItsOwnRead() throws Exception {
        byte[] message = randomBytes(1_000);
        try (TcpServer upstream = writesOnce(message);
                ChaosProxy proxy = ChaosProxy.builder().seed(SEED).route(0, upstream.address())
                        .slicer(100, 0, Duration.ofMillis(40)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Reads reads = readAll(client.getInputStream());
            assertThat(reads.bytes).isEqualTo(message);
            // Ten slices of exactly 100 bytes, 40 ms apart: only a client stalled for 40 ms would merge two.
            assertThat(reads.count).isBetween(5, 12);
            assertThat(reads.largest).isLessThanOrEqualTo(500);
            assertThat(TimeUnit.NANOSECONDS.toMillis(reads.lastNanos - reads.firstNanos))
                    .isGreaterThanOrEqualTo(360);
        }
    }

    @Test
    void aVariationAsLargeAsTheAverageIsTakenAsToxiproxyTakesIt() throws Exception {
        // toxiproxy-node-client's own test adds average_size 1000, size_variation 1000: slices of 1..2000 bytes.
        byte[] message = randomBytes(20_000);
        try (TcpServer upstream = writesOnce(message);
                ChaosProxy proxy = ChaosProxy.builder().seed(SEED).route(0, upstream.address())
                        .slicer(1000, 1000, Duration.ofMillis(25)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Reads reads = readAll(client.getInputStream());
            assertThat(reads.bytes).isEqualTo(message);
            // At least ten slices (20000 / 2000), 25 ms apart: only a client stalled for 25 ms would merge two.
            assertThat(reads.count).isGreaterThanOrEqualTo(6);
            assertThat(reads.largest).isLessThanOrEqualTo(4000);
            assertThat(TimeUnit.NANOSECONDS.toMillis(reads.lastNanos - reads.firstNanos))
                    .isGreaterThanOrEqualTo(9 * 25);
        }
    }

    @Test
    void bytesPassUnchangedThroughASlicerWithoutDelay() throws Exception {
        byte[] data = randomBytes(2 << 20);
        try (TcpServer upstream = writesOnce(data);
                ChaosProxy proxy = ChaosProxy.builder().seed(SEED).route(0, upstream.address())
                        .slicer(1000, 900, Duration.ZERO).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertThat(readAll(client.getInputStream()).bytes).isEqualTo(data);
            assertThat(proxy.metrics().bytesDownstream()).isEqualTo(data.length);
        }
    }

    @Test
    void bytesPassUnchangedBothWaysThroughASlicerWithDelay() throws Exception {
        byte[] data = randomBytes(256 * 1024);
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(SEED).route(0, upstream.address())
                        .fault(Fault.slicer(8 * 1024, 4 * 1024, Duration.ofMillis(1)).direction(Direction.BOTH))
                        .start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Thread writer = new Thread(() -> {
                try {
                    client.getOutputStream().write(data);
                    client.shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "test-writer");
            writer.start();
            byte[] echoed = readAll(client.getInputStream()).bytes;
            writer.join();
            assertThat(Arrays.equals(echoed, data)).as("echo of %d bytes equals what was sent", echoed.length)
                    .isTrue();
        }
    }

    /** An upstream that writes {@code message} in one write and half-closes. */
    private static TcpServer writesOnce(byte[] message) {
        return TcpServer.start(socket -> {
            socket.getOutputStream().write(message);
            socket.shutdownOutput();
            socket.getInputStream().readAllBytes();
        });
    }

    /** Everything read up to EOF, the number of reads, the largest, and when the first and last came. */
    private record Reads(byte[] bytes, int count, int largest, long firstNanos, long lastNanos) {
    }

    private static Reads readAll(InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int count = 0;
        int largest = 0;
        long first = 0;
        long last = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            last = System.nanoTime();
            if (count++ == 0) {
                first = last;
            }
            largest = Math.max(largest, n);
            all.write(buffer, 0, n);
        }
        return new Reads(all.toByteArray(), count, largest, first, last);
    }

    private static byte[] randomBytes(int size) {
        byte[] data = new byte[size];
        new Random(SEED).nextBytes(data);
        return data;
    }
}
