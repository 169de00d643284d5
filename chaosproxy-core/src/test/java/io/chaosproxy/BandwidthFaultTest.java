package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BandwidthFaultTest {

    /**
     * About two seconds at the rate. The rate is taken from the first byte to the last, not counting the first
     * read: the bucket starts with up to 10 ms of burst that leaves at once, and connect and accept times are
     * no part of the limit. Counting from the start would add both to the time and the burst to the bytes.
     */
    @ParameterizedTest(name = "{0} bytes/s")
    @ValueSource(longs = {10_000, 100_000, 1_000_000, 10_000_000})
    void downloadRateIsWithinFivePercentOfTheLimit(long rate) throws Exception {
        byte[] data = randomBytes((int) (rate * 2), rate);
        try (TcpServer upstream = TcpServer.start(socket -> {
                    socket.getOutputStream().write(data);
                    socket.shutdownOutput();
                    socket.getInputStream().readAllBytes();
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).bandwidth(rate).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Transfer transfer = Transfer.read(client.getInputStream());
            double measured = transfer.bytesPerSecond();
            double error = (measured - rate) * 100.0 / rate;
            System.out.printf("ACCURACY bandwidth n=%d measured=%.0f error=%+.2f%% (reads=%d, first read=%d bytes)%n",
                    rate, measured, error, transfer.reads, transfer.firstRead);
            assertThat(transfer.digest).isEqualTo(digestOf(data));
            assertThat(Math.abs(error)).as("error %% at %d bytes/s", rate).isLessThan(5.0);
        }
    }

    @Test
    void upstreamBandwidthLimitsUploadsOnly() throws Exception {
        long rate = 200_000;
        byte[] data = randomBytes(200_000, 7);
        CompletableFuture<Transfer> received = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    received.complete(Transfer.read(socket.getInputStream()));
                    socket.getOutputStream().write(data);   // the way back is not limited
                    socket.shutdownOutput();
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .fault(Fault.bandwidth(rate).direction(Direction.UPSTREAM)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            client.getOutputStream().write(data);
            client.shutdownOutput();
            Transfer uploaded = received.get(20, TimeUnit.SECONDS);
            assertThat(uploaded.digest).isEqualTo(digestOf(data));
            // Limited, not unlimited (which would be orders of magnitude faster); the precise rate is checked above.
            assertThat(uploaded.bytesPerSecond()).isBetween(rate * 0.8, rate * 1.05);
            long start = System.nanoTime();
            Sockets.Digest downloaded = Sockets.digest(client.getInputStream());
            assertThat(downloaded).isEqualTo(digestOf(data));
            // 200 KB at 200 KB/s would take 1 s; unlimited it is a matter of milliseconds.
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500);
        }
    }

    @Test
    void bytesPassUnchangedThroughAFastLimit() throws Exception {
        byte[] data = randomBytes(8 << 20, 42);
        try (TcpServer upstream = TcpServer.start(socket -> {
                    socket.getOutputStream().write(data);
                    socket.shutdownOutput();
                    socket.getInputStream().readAllBytes();
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).bandwidth(40_000_000).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertThat(Sockets.digest(client.getInputStream())).isEqualTo(digestOf(data));
        }
    }

    @Test
    void bandwidthZeroHoldsEverythingUntilTheFaultIsRemoved() throws Exception {
        byte[] data = randomBytes(300_000, 3);
        try (TcpServer upstream = TcpServer.start(socket -> {
                    socket.getOutputStream().write(data);
                    socket.shutdownOutput();
                    socket.getInputStream().readAllBytes();
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).bandwidth(0).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            // The proxy has read the bytes and holds them (in buffers at least as big); none has reached the client.
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metrics().bufferedBytes() >= data.length);
            assertThat(route.connections()).singleElement()
                    .satisfies(connection -> assertThat(connection.bytesDownstream()).isZero());
            assertThat(client.getInputStream().available()).isZero();

            route.removeFault("bandwidth_downstream");
            assertThat(Sockets.digest(client.getInputStream())).isEqualTo(digestOf(data));
            assertThat(proxy.metrics().bufferedBytes()).isZero();
        }
    }

    /** What one side read: the digest of all of it, and when the first and the last bytes came. */
    private record Transfer(Sockets.Digest digest, int reads, int firstRead, long firstNanos, long lastNanos) {

        static Transfer read(InputStream in) throws java.io.IOException {
            MessageDigest sha = Sockets.sha256();
            byte[] buffer = new byte[256 * 1024];
            long total = 0;
            int reads = 0;
            int firstRead = 0;
            long first = 0;
            long last = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                last = System.nanoTime();
                if (reads++ == 0) {
                    first = last;
                    firstRead = n;
                }
                sha.update(buffer, 0, n);
                total += n;
            }
            Sockets.Digest digest = new Sockets.Digest(total, HexFormat.of().formatHex(sha.digest()));
            return new Transfer(digest, reads, firstRead, first, last);
        }

        /** Bytes after the first read, over the time from the first read to the last. */
        double bytesPerSecond() {
            return (digest.bytes() - firstRead) * 1e9 / (lastNanos - firstNanos);
        }
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static Sockets.Digest digestOf(byte[] data) {
        return new Sockets.Digest(data.length, HexFormat.of().formatHex(Sockets.sha256().digest(data)));
    }
}
