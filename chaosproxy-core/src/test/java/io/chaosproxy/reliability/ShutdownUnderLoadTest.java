package io.chaosproxy.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.Async;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Sockets;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code close()} under load: with {@value #CONNECTIONS} connections streaming both ways as fast as they can,
 * {@code close()} with a 1 s shutdown timeout stops accepting at once (before it starts waiting), returns within
 * the shutdown timeout plus {@value #MARGIN_MILLIS} ms, and leaves no thread, port or file descriptor behind.
 * The margin is generous on purpose (a shared 2-core machine); the measured time is printed.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ShutdownUnderLoadTest {
    private static final int CONNECTIONS = Scale.pick(500, 2_000);
    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(1);
    private static final long MARGIN_MILLIS = 3_000;
    private static final int FD_TOLERANCE = 8;

    @Test
    void closeUnderLoadStopsAcceptingAtOnceReturnsInTimeAndLeavesNothingBehind() throws Exception {
        try (NioPeers upstream = NioPeers.server(NioPeers.Mode.STREAM);
                NioPeers clients = NioPeers.clients(NioPeers.Mode.STREAM)) {
            warmUp(upstream, clients);
            Resources baseline = Resources.settled();
            int clientsBefore = clients.opened();
            int readingBefore = clients.reading();
            int upstreamReadingBefore = upstream.reading();
            int endedByErrorBefore = clients.endedByError();

            ChaosProxy proxy = ChaosProxy.builder().seed(6).shutdownTimeout(SHUTDOWN_TIMEOUT)
                    .route(0, upstream.address()).start();
            int port = proxy.routes().get(0).localPort();
            clients.connect(port, CONNECTIONS);
            Waits.until("every connection moving bytes both ways", Duration.ofSeconds(30), Duration.ofMillis(100),
                    () -> clients.reading() - readingBefore == CONNECTIONS
                            && upstream.reading() - upstreamReadingBefore == CONNECTIONS,
                    () -> "clients reading " + (clients.reading() - readingBefore) + ", upstream connections reading "
                            + (upstream.reading() - upstreamReadingBefore) + " of " + upstream.opened()
                            + " accepted, proxy " + proxy.metrics());
            long bytesBeforeClose = clients.bytesRead() + upstream.bytesRead();

            Prober prober = Prober.start(port);
            long closeCalled = System.nanoTime();
            prober.closeCalledAt(closeCalled);
            proxy.close();
            long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closeCalled);
            boolean refusedWhenCloseReturned = refuses(port);
            Set<String> threadsLeft = new HashSet<>(Sockets.proxyThreads());
            threadsLeft.removeAll(baseline.proxyThreads());
            prober.stop();

            long cutSeen = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).alias("every client and upstream connection sees its end")
                    .until(() -> clients.ended() == clients.opened() && upstream.ended() == upstream.opened());
            long endsSeenMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutSeen);
            Resources after = awaitFileDescriptorsBackTo(baseline);

            System.out.printf("reliability shutdown: %d connections streaming (%s moved before close); close() "
                            + "with shutdownTimeout %d ms returned after %d ms (bound %d ms); the port refused "
                            + "%s after close() was called (%d connects still accepted in between); clients saw every end "
                            + "%d ms after close() returned, %d of them first as a reset;%n"
                            + "  baseline  %s%n  after     %s%n",
                    CONNECTIONS, Scale.mib(bytesBeforeClose), SHUTDOWN_TIMEOUT.toMillis(), closeMillis,
                    SHUTDOWN_TIMEOUT.toMillis() + MARGIN_MILLIS, prober.describeFirstRefusal(),
                    prober.accepted(), endsSeenMillis, clients.endedByError() - endedByErrorBefore, baseline, after);

            assertThat(closeMillis).as("close() under load, in ms")
                    .isLessThanOrEqualTo(SHUTDOWN_TIMEOUT.toMillis() + MARGIN_MILLIS);
            assertThat(prober.firstRefusalMillis()).as("ms from close() until the port refused a connect "
                    + "(-1: never while close() ran); the listener must close before close() waits")
                    .isBetween(0L, SHUTDOWN_TIMEOUT.toMillis() - 1);
            assertThat(refusedWhenCloseReturned).as("the port refuses connections when close() returns").isTrue();
            assertThat(threadsLeft).as("chaos-proxy threads alive when close() returned").isEmpty();
            assertThat(clients.opened() - clientsBefore).isEqualTo(CONNECTIONS);
            if (Resources.canCountFileDescriptors()) {
                assertThat(after.fileDescriptors()).as("open file descriptors after close (baseline %d)",
                        baseline.fileDescriptors()).isLessThanOrEqualTo(baseline.fileDescriptors() + FD_TOLERANCE);
            }
        }
    }

    @Test
    void aConnectionCutAtTheShutdownTimeoutWhileTheProxyHoldsItsBytesSeesAReset() throws Exception {
        int held = 64 * 1024;
        CountDownLatch testDone = new CountDownLatch(1);
        try (ChannelServer upstream = ChannelServer.start(1, channel -> {
                    channel.write(ByteBuffer.allocate(held));
                    testDone.await(30, TimeUnit.SECONDS);   // never closes by itself
                })) {
            ChaosProxy proxy = ChaosProxy.builder().seed(7).shutdownTimeout(Duration.ofMillis(200))
                    .route(0, upstream.address()).latency(Duration.ofMinutes(1)).start();
            try (SocketChannel client = SocketChannel.open(proxy.routes().get(0).localAddress())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metrics().bufferedBytes() >= held);
                CompletableFuture<Pump.End> clientEnd = Async.supplyAsync(() -> readToEnd(client));
                proxy.close();

                // The only thread touching the socket is the reader, so an RST cannot hide as an EOF.
                Pump.End end = clientEnd.get(10, TimeUnit.SECONDS);
                System.out.printf("reliability shutdown: a client whose %d bytes the proxy held at the cut saw: %s%n",
                        held, end);
                assertThat(end.reset()).as("%d bytes held by the proxy were lost at the shutdown cut; the client "
                        + "must see a reset, not a clean end: %s", held, end).isTrue();
            } finally {
                testDone.countDown();
                proxy.close();
            }
        }
    }

    private static Pump.End readToEnd(SocketChannel channel) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try {
            while (channel.read(buffer.clear()) >= 0) {
                // Nothing arrives while the latency holds it; whatever does is not what this test is about.
            }
            return Pump.End.EOF;
        } catch (IOException e) {
            return Pump.End.of(e);
        }
    }

    /** A proxy carrying a few streaming connections, closed: what the JDK opens once is in the baseline. */
    private static void warmUp(NioPeers upstream, NioPeers clients) throws IOException {
        int port;
        try (ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(Duration.ofMillis(100))
                .route(0, upstream.address()).start()) {
            port = proxy.routes().get(0).localPort();
            clients.connect(port, 10);
            await().atMost(Duration.ofSeconds(10)).until(() -> clients.reading() == 10);
        }
        assertThat(refuses(port)).isTrue();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> clients.ended() == clients.opened() && upstream.ended() == upstream.opened());
    }

    private static boolean refuses(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Resources awaitFileDescriptorsBackTo(Resources baseline) {
        try {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
                    Resources.openFileDescriptors() <= baseline.fileDescriptors() + FD_TOLERANCE);
        } catch (ConditionTimeoutException e) {
            // The assertion that follows reports the figures.
        }
        return Resources.measure();
    }

    /**
     * Connects to the port again and again, closing each connection at once, and notes when a connect was first
     * refused after {@code close()} was called.
     */
    private static final class Prober {
        private final int port;
        private final Thread thread;
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicLong firstRefusalNanos = new AtomicLong(-1);
        private volatile long closeCalledNanos = Long.MAX_VALUE;
        private volatile boolean stopped;

        private Prober(int port) {
            this.port = port;
            thread = new Thread(this::probe, "test-prober");
            thread.setDaemon(true);
        }

        static Prober start(int port) {
            Prober prober = new Prober(port);
            prober.thread.start();
            return prober;
        }

        void closeCalledAt(long nanos) {
            closeCalledNanos = nanos;
        }

        private void probe() {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            while (!stopped) {
                try (Socket socket = new Socket()) {
                    socket.connect(target, 1000);
                    if (System.nanoTime() > closeCalledNanos) {
                        accepted.incrementAndGet();
                    }
                } catch (ConnectException e) {
                    long now = System.nanoTime();
                    if (now > closeCalledNanos) {
                        firstRefusalNanos.compareAndSet(-1, now);
                        return;
                    }
                } catch (IOException e) {
                    // A full backlog times the connect out: not a refusal; try again.
                }
            }
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.join(5000);
        }

        int accepted() {
            return accepted.get();
        }

        long firstRefusalMillis() {
            long refused = firstRefusalNanos.get();
            return refused < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(refused - closeCalledNanos);
        }

        String describeFirstRefusal() {
            long millis = firstRefusalMillis();
            return millis < 0 ? "never while close() ran" : millis + " ms";
        }
    }
}
