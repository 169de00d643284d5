package io.chaosproxy.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Sockets;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Nothing outlives a proxy: after 10,000 sequential and 2,000 concurrent connections (each echoing a short
 * message) and {@code close()}, the process's open file descriptors, its {@code chaos-proxy*} threads and its
 * direct memory are back where they were before the proxy started. The baseline is taken after a warm-up proxy,
 * so what the JDK opens once and the buffers recycled across proxies are in it.
 *
 * <p>Tolerances: {@value #FD_TOLERANCE} file descriptors (the JDK may open one lazily, e.g. for a class it loads);
 * {@value #DIRECT_TOLERANCE} bytes of direct memory: the proxy keeps up to 2 MiB per buffer size for later proxies
 * ({@code internal/DirectBuffers}; two sizes, 64 KiB chunks and 256 KiB scratch buffers), and the JDK keeps
 * temporary direct buffers per thread for socket I/O on heap arrays. No thread is tolerated.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ConnectionLeakTest {
    private static final int SEQUENTIAL = Scale.pick(10_000, 50_000);
    private static final int CONCURRENT = 2_000;
    private static final int CONCURRENT_ROUNDS = Scale.pick(1, 5);
    private static final int FD_TOLERANCE = 8;
    private static final long DIRECT_TOLERANCE = 5L << 20;

    @Test
    void connectionsLeaveNoFileDescriptorThreadOrDirectMemoryAfterClose() throws Exception {
        try (NioPeers upstream = NioPeers.server(NioPeers.Mode.ECHO)) {
            try (ChaosProxy warmUp = ChaosProxy.builder().route(0, upstream.address()).start()) {
                int port = warmUp.routes().get(0).localPort();
                sequential(port, 200);
                concurrent(port, 200);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.ended() == upstream.opened());
            Resources baseline = Resources.settled();
            int upstreamConnectionsBefore = upstream.opened();

            ChaosProxy proxy = ChaosProxy.builder().seed(5).route(0, upstream.address()).start();
            Resources busiest = null;
            long sequentialMillis;
            try {
                int port = proxy.routes().get(0).localPort();
                long started = System.nanoTime();
                sequential(port, SEQUENTIAL);
                sequentialMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                for (int round = 0; round < CONCURRENT_ROUNDS; round++) {
                    busiest = concurrent(port, CONCURRENT);
                }
                int connections = SEQUENTIAL + CONCURRENT * CONCURRENT_ROUNDS;
                assertThat(proxy.metrics().acceptedConnections()).isEqualTo(connections);
                assertThat(upstream.opened() - upstreamConnectionsBefore).isEqualTo(connections);
                await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metrics().activeConnections() == 0);
            } finally {
                proxy.close();
            }
            Set<String> threadsLeft = new HashSet<>(Sockets.proxyThreads());
            threadsLeft.removeAll(baseline.proxyThreads());
            await().atMost(Duration.ofSeconds(10)).until(() -> upstream.ended() == upstream.opened());

            Resources after = awaitBackTo(baseline);
            System.out.printf("reliability leaks: %d sequential connections in %d ms, %d x %d concurrent;%n"
                            + "  baseline     %s%n  2,000 open   %s%n  after close  %s%n",
                    SEQUENTIAL, sequentialMillis, CONCURRENT_ROUNDS, CONCURRENT, baseline, busiest, after);
            assertThat(threadsLeft).as("chaos-proxy threads alive when close() returned").isEmpty();
            if (Resources.canCountFileDescriptors()) {
                assertThat(after.fileDescriptors()).as("open file descriptors after close (baseline %d)",
                        baseline.fileDescriptors()).isLessThanOrEqualTo(baseline.fileDescriptors() + FD_TOLERANCE);
            }
            assertThat(after.directBytes()).as("direct memory after close (baseline %d)", baseline.directBytes())
                    .isLessThanOrEqualTo(baseline.directBytes() + DIRECT_TOLERANCE);
        }
    }

    @Test
    void fileDescriptorsAreCountedWhereProcExists() {
        assumeTrue(Resources.canCountFileDescriptors(), "no /proc/self/fd here");
        long before = Resources.openFileDescriptors();
        try (Socket unconnected = new Socket()) {
            unconnected.bind(null);   // a socket holds a descriptor once it is bound
            assertThat(Resources.openFileDescriptors()).isEqualTo(before + 1);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits (up to 10 s, collecting garbage as it goes) until fds and direct memory are within tolerance. */
    private static Resources awaitBackTo(Resources baseline) {
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> {
                Resources now = Resources.measure();
                return now.directBytes() <= baseline.directBytes() + DIRECT_TOLERANCE
                        && now.fileDescriptors() <= baseline.fileDescriptors() + FD_TOLERANCE;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // The assertions that follow report the figures.
        }
        return Resources.measure();
    }

    /** One connection after another: connect, echo a short message, close. */
    private static void sequential(int port, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (Socket socket = Sockets.connect(port)) {
                byte[] message = message(i);
                socket.getOutputStream().write(message);
                assertThat(readExactly(socket.getInputStream(), message.length)).isEqualTo(message);
            }
        }
    }

    /** Opens {@code count} connections, then echoes a short message on each, then closes them all. */
    private static Resources concurrent(int port, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(Sockets.connect(port));
            }
            for (int i = 0; i < count; i++) {
                sockets.get(i).getOutputStream().write(message(i));
            }
            for (int i = 0; i < count; i++) {
                byte[] message = message(i);
                assertThat(readExactly(sockets.get(i).getInputStream(), message.length)).isEqualTo(message);
            }
            return new Resources(Resources.openFileDescriptors(), Sockets.proxyThreads(),
                    Resources.directMemoryUsed());
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static byte[] message(int i) {
        return ("connection " + i + " says hello").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] readExactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        assertThat(bytes).as("bytes echoed before EOF").hasSize(length);
        return bytes;
    }
}
