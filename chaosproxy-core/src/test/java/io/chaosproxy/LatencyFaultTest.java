package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LatencyFaultTest {
    private static final long SEED = 42;

    @Test
    void jitteredRoundTripsStayWithinTheBandAndReallyVary() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(SEED).route(0, upstream.address())
                        .fault(Fault.latency(Duration.ofMillis(60)).jitter(Duration.ofMillis(40))).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                millis.add(TimeUnit.NANOSECONDS.toMillis(roundTripNanos(client, 1)));
            }
            // delay ± jitter is 20..100 ms; a timer never fires early, and a busy machine may add a lot.
            assertThat(millis).allSatisfy(m -> assertThat(m).isBetween(20L, 400L));
            long spread = millis.stream().mapToLong(Long::longValue).max().orElseThrow()
                    - millis.stream().mapToLong(Long::longValue).min().orElseThrow();
            assertThat(spread).as("max - min of %s", millis).isGreaterThan(30);
            assertThat(millis.stream().distinct().count()).isGreaterThan(10);
        }
    }

    @Test
    void jitterNeverReordersManySmallWrites() throws Exception {
        int count = 300;
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(SEED).route(0, upstream.address())
                        .fault(Fault.latency(Duration.ofMillis(10)).jitter(Duration.ofMillis(9))
                                .direction(Direction.BOTH)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            client.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(client.getOutputStream());
            for (int i = 0; i < count; i++) {
                out.writeInt(i);
                // The pause is the point: spaced writes reach the proxy as separate chunks, each with its own
                // delay of 1..19 ms, so without the ordering a later chunk would often overtake an earlier one.
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            client.shutdownOutput();
            DataInputStream in = new DataInputStream(client.getInputStream());
            for (int i = 0; i < count; i++) {
                assertThat(in.readInt()).isEqualTo(i);
            }
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void upstreamLatencyDelaysOnlyTheWayThere() throws Exception {
        CompletableFuture<Long> arrived = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.stampingEcho(arrived);
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .fault(Fault.latency(Duration.ofMillis(300)).direction(Direction.UPSTREAM)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            long sent = System.nanoTime();
            client.getOutputStream().write(1);
            assertThat(client.getInputStream().read()).isEqualTo(1);
            long back = System.nanoTime();
            assertThat(TimeUnit.NANOSECONDS.toMillis(arrived.get() - sent)).isBetween(300L, 800L);
            assertThat(TimeUnit.NANOSECONDS.toMillis(back - arrived.get())).isLessThan(150);
        }
    }

    @Test
    void latencyBothWaysDoublesTheRoundTrip() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .fault(Fault.latency(Duration.ofMillis(150)).direction(Direction.BOTH)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            for (int i = 0; i < 3; i++) {
                assertThat(TimeUnit.NANOSECONDS.toMillis(roundTripNanos(client, 1))).isBetween(300L, 800L);
            }
        }
    }

    @Test
    void bytesPassUnchangedThroughLatencyWithJitter() throws Exception {
        byte[] data = new byte[4 << 20];
        new Random(SEED).nextBytes(data);
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(SEED).route(0, upstream.address())
                        .fault(Fault.latency(Duration.ofMillis(5)).jitter(Duration.ofMillis(4))
                                .direction(Direction.BOTH)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    for (int offset = 0; offset < data.length; offset += 10_000) {
                        out.write(data, offset, Math.min(10_000, data.length - offset));
                    }
                    client.shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "test-writer");
            writer.start();
            Sockets.Digest echoed = Sockets.digest(client.getInputStream());
            writer.join();
            assertThat(echoed).isEqualTo(new Sockets.Digest(data.length, sha256(data)));
        }
    }

    /** Measures how much the proxy adds on top of the configured delay; prints one ACCURACY line. */
    @Test
    void addedDelayIsCloseToTheConfiguredLatency() throws Exception {
        int rounds = 200;
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .latency(Duration.ofMillis(20)).start();
                Socket direct = Sockets.connect(upstream.port());
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            direct.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            for (int i = 0; i < 20; i++) {   // warm-up, not measured
                roundTripNanos(direct, 64);
                roundTripNanos(client, 64);
            }
            long[] baseline = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                baseline[i] = roundTripNanos(direct, 64);
            }
            long baselineMedian = percentile(baseline, 50);
            long[] errors = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                long rtt = roundTripNanos(client, 64);
                assertThat(rtt).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
                errors[i] = rtt - baselineMedian - TimeUnit.MILLISECONDS.toNanos(20);
            }
            long p50 = percentile(errors, 50);
            long p99 = percentile(errors, 99);
            System.out.printf("ACCURACY latency delay=20ms rounds=%d baselineRttP50=%.3fms addedErrorP50=%.3fms "
                            + "addedErrorP99=%.3fms addedErrorMax=%.3fms%n", rounds, baselineMedian / 1e6, p50 / 1e6,
                    p99 / 1e6, percentile(errors, 100) / 1e6);
            assertThat(p99).isLessThan(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** Sends {@code size} bytes, waits for all of them to come back unchanged; returns the time taken. */
    private static long roundTripNanos(Socket socket, int size) throws Exception {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        byte[] message = new byte[size];
        Arrays.fill(message, (byte) size);
        long start = System.nanoTime();
        out.write(message);
        byte[] echoed = in.readNBytes(message.length);
        long nanos = System.nanoTime() - start;
        assertThat(echoed).isEqualTo(message);
        return nanos;
    }

    private static long percentile(long[] values, int percent) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static String sha256(byte[] data) {
        MessageDigest sha = Sockets.sha256();
        return HexFormat.of().formatHex(sha.digest(data));
    }
}
