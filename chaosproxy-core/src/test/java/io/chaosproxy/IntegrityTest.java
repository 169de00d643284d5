package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bytes pass unchanged both ways, compared by SHA-256, with and without a fault on the way. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IntegrityTest {
    private static final long SIZE = 64L << 20;

    @Test
    void sixtyFourMebibytesEachWayArriveUnchanged() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start()) {
            assertEchoedUnchanged(proxy);
        }
    }

    @Test
    void sixtyFourMebibytesEachWayArriveUnchangedThroughLatency() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .latency(Duration.ofMillis(2)).start()) {
            assertEchoedUnchanged(proxy);
        }
    }

    private static void assertEchoedUnchanged(ChaosProxy proxy) throws Exception {
        Route route = proxy.routes().get(0);
        try (Socket client = Sockets.connect(route)) {
            CompletableFuture<String> sent = Async.supplyAsync(() -> send(client, SIZE));
            Sockets.Digest received = Sockets.digest(client.getInputStream());
            assertThat(received.bytes()).isEqualTo(SIZE);
            assertThat(received.sha256()).isEqualTo(sent.get());
        }
        assertThat(route.metrics().bytesUpstream()).isEqualTo(SIZE);
        assertThat(route.metrics().bytesDownstream()).isEqualTo(SIZE);
    }

    /** Writes {@code size} seeded random bytes, half-closes, and returns their SHA-256. */
    private static String send(Socket socket, long size) {
        MessageDigest sha = Sockets.sha256();
        SplittableRandom random = new SplittableRandom(7);
        byte[] buffer = new byte[256 * 1024];
        try {
            OutputStream out = socket.getOutputStream();
            for (long left = size; left > 0; ) {
                int n = (int) Math.min(buffer.length, left);
                random.nextBytes(buffer);
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
                left -= n;
            }
            socket.shutdownOutput();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
