package io.chaosproxy.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import io.chaosproxy.reliability.Pump.Kill;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real failures on either side of the proxy: whichever side dies, the other sees a close or a reset within
 * {@value #SEES_IT_WITHIN_SECONDS} s (never a hang), and the next connection through the same route carries
 * 1 MiB there and back unchanged. Where one side is reset, the README's Semantics promise a reset on the other
 * ("a reset on one side resets the other"): a clean EOF there would be a cut that looks like a complete stream.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class FaultsOnThePathTest {
    private static final int SEES_IT_WITHIN_SECONDS = 10;
    private static final Duration SEES_IT_WITHIN = Duration.ofSeconds(SEES_IT_WITHIN_SECONDS);
    private static final long MIB = 1 << 20;

    @ParameterizedTest
    @EnumSource(Kill.class)
    void upstreamKilledMidTransferEndsTheClientsConnection(Kill kill) throws Exception {
        CompletableFuture<Pump> upstreamSide = new CompletableFuture<>();
        CountDownLatch testDone = new CountDownLatch(1);
        try (ChannelServer upstream = ChannelServer.start(1, channel -> {
                    upstreamSide.complete(Pump.start(channel, "test-upstream"));
                    awaitSignal(testDone);   // the channel stays open until the pump has killed it
                });
                ChaosProxy proxy = ChaosProxy.builder().seed(1).route(0, upstream.address()).start();
                SocketChannel client = connect(proxy)) {
            try {
                Pump clientSide = Pump.start(client, "test-client");
                awaitBusyBothWays(clientSide);
                upstreamSide.get(10, TimeUnit.SECONDS).kill(kill);

                awaitEnded("the client, after the upstream's " + kill, clientSide);
                if (kill == Kill.RESET) {
                    assertThat(clientSide.firstEnd.get().reset())
                            .as("the client saw a reset after the upstream's RST: %s", clientSide).isTrue();
                }
            } finally {
                testDone.countDown();
            }
            assertRouteRecovers(proxy.routes().get(0));
        }
    }

    @ParameterizedTest
    @EnumSource(Kill.class)
    void clientKilledMidTransferEndsTheUpstreamsConnection(Kill kill) throws Exception {
        CompletableFuture<Pump> upstreamSide = new CompletableFuture<>();
        CountDownLatch testDone = new CountDownLatch(1);
        try (ChannelServer upstream = ChannelServer.start(1, channel -> {
                    upstreamSide.complete(Pump.start(channel, "test-upstream"));
                    awaitSignal(testDone);
                });
                ChaosProxy proxy = ChaosProxy.builder().seed(2).route(0, upstream.address()).start();
                SocketChannel client = connect(proxy)) {
            try {
                Pump clientSide = Pump.start(client, "test-client");
                awaitBusyBothWays(clientSide);
                clientSide.kill(kill);

                Pump upstreamPump = upstreamSide.get(10, TimeUnit.SECONDS);
                awaitEnded("the upstream, after the client's " + kill, upstreamPump);
                if (kill == Kill.RESET) {
                    assertThat(upstreamPump.firstEnd.get().reset())
                            .as("the upstream saw a reset after the client's RST: %s", upstreamPump).isTrue();
                }
            } finally {
                testDone.countDown();
            }
            assertRouteRecovers(proxy.routes().get(0));
        }
    }

    @Test
    void clientKilledWhileTheUpstreamNeverReadsEndsTheUpstreamsConnection() throws Exception {
        CountDownLatch clientKilled = new CountDownLatch(1);
        CompletableFuture<Pump.End> upstreamWriteEnd = new CompletableFuture<>();
        try (ChannelServer upstream = ChannelServer.start(1, channel -> {
                    awaitSignal(clientKilled);
                    // Still never reading: a byte now and then is how this upstream learns the client is gone.
                    upstreamWriteEnd.complete(writeSlowlyUntilItFails(channel));
                });
                ChaosProxy proxy = ChaosProxy.builder().seed(3).route(0, upstream.address()).start();
                SocketChannel client = connect(proxy)) {
            try {
                Pump clientSide = Pump.start(client, "test-client");
                awaitHeldBack(clientSide);
                System.out.printf("reliability path: the upstream never reads; the client held back after %s, "
                        + "the proxy holding %d bytes%n", Scale.mib(clientSide.written.get()),
                        proxy.metrics().bufferedBytes());
                clientSide.kill(Kill.RESET);
            } finally {
                clientKilled.countDown();
            }
            Pump.End end = upstreamWriteEnd.get(SEES_IT_WITHIN_SECONDS + 5, TimeUnit.SECONDS);
            System.out.printf("reliability path: the never-reading upstream, after the client's RST: %s%n", end);
            assertThat(end.reset()).as("the upstream's writes fail once the client is gone: %s", end).isTrue();
            assertRouteRecovers(proxy.routes().get(0));
        }
    }

    @ParameterizedTest
    @EnumSource(Kill.class)
    void upstreamThatNeverReadsThenDiesUnblocksTheWritingClient(Kill kill) throws Exception {
        CountDownLatch clientStalled = new CountDownLatch(1);
        try (ChannelServer upstream = ChannelServer.start(1, channel -> {
                    awaitSignal(clientStalled);
                    kill.apply(channel);
                });
                ChaosProxy proxy = ChaosProxy.builder().seed(4).route(0, upstream.address()).start();
                SocketChannel client = connect(proxy)) {
            Pump clientSide = Pump.start(client, "test-client");
            try {
                awaitHeldBack(clientSide);
            } finally {
                clientStalled.countDown();
            }
            awaitEnded("the client held back in write, after the never-reading upstream's " + kill, clientSide);
            assertRouteRecovers(proxy.routes().get(0));
        }
    }

    @Test
    void upstreamThatResetsEveryConnectionAtOnceEndsEachClientsConnection() throws Exception {
        int resets = 20;
        Map<String, Integer> firstEnds = new TreeMap<>();
        long slowestMillis = 0;
        try (ChannelServer upstream = ChannelServer.start(resets, Kill.RESET::apply);
                ChaosProxy proxy = ChaosProxy.builder().seed(5).route(0, upstream.address()).start()) {
            for (int i = 0; i < resets; i++) {
                try (SocketChannel client = connect(proxy)) {
                    Pump clientSide = Pump.start(client, "test-client");
                    long started = System.nanoTime();
                    awaitOrFail("client " + i + " of an upstream that resets at once sees a close or reset",
                            clientSide, clientSide::isEnded, Duration.ofMillis(5));
                    slowestMillis = Math.max(slowestMillis, millisSince(started));
                    firstEnds.merge(clientSide.firstEnd.get().reset() ? "reset" : "EOF", 1, Integer::sum);
                }
            }
            System.out.printf("reliability path: %d clients of an upstream that resets at once: first ends %s, "
                    + "slowest %d ms%n", resets, firstEnds, slowestMillis);
            assertThat(upstream.acceptedConnections()).isEqualTo(resets);
            assertRouteRecovers(proxy.routes().get(0));
        }
    }

    /** A client connection with no read timeout: the test's own waits decide what counts as a hang. */
    private static SocketChannel connect(ChaosProxy proxy) throws IOException {
        return SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                proxy.routes().get(0).localPort()));
    }

    private static void awaitBusyBothWays(Pump pump) {
        awaitOrFail("a MiB each way", pump, () -> pump.written.get() >= MIB && pump.read.get() >= MIB,
                Duration.ofMillis(10));
    }

    /**
     * Waits until the pump's writes are held back: under 256 KiB written in 300 ms, where a flowing connection
     * moves hundreds of MiB. Not zero: the kernel keeps compacting the queue of a receiver that never reads,
     * and a few KiB more trickle in for seconds.
     */
    private static void awaitHeldBack(Pump pump) {
        AtomicLong lastSeen = new AtomicLong(-MIB);
        awaitOrFail("writes held back", pump, () -> {
            long now = pump.written.get();
            return now - lastSeen.getAndSet(now) < 256 * 1024 && now >= MIB;
        }, Duration.ofMillis(300));
    }

    private static void awaitEnded(String who, Pump pump) {
        long started = System.nanoTime();
        awaitOrFail(who + " sees a close or reset", pump, pump::isEnded, Duration.ofMillis(5));
        System.out.printf("reliability path: %s: over in %d ms; %s%n", who, millisSince(started), pump);
    }

    private static void awaitOrFail(String what, Pump pump, Callable<Boolean> condition, Duration pollInterval) {
        Waits.until(what, SEES_IT_WITHIN, pollInterval, condition, pump::toString);
    }

    /** Writes a byte every 50 ms until a write fails (or the wait is over) and tells how it ended. */
    private static Pump.End writeSlowlyUntilItFails(SocketChannel channel) throws InterruptedException {
        long deadline = System.nanoTime() + SEES_IT_WITHIN.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                channel.write(ByteBuffer.wrap(new byte[] {1}));
                Thread.sleep(50);
            }
            return new Pump.End(false, "every write succeeded for " + SEES_IT_WITHIN_SECONDS + " s");
        } catch (IOException e) {
            return Pump.End.of(e);
        }
    }

    private static void awaitSignal(CountDownLatch latch) throws InterruptedException {
        latch.await(60, TimeUnit.SECONDS);
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** The route's connections are all gone, and a new one carries 1 MiB there and back unchanged. */
    private static void assertRouteRecovers(Route route) throws Exception {
        await().atMost(SEES_IT_WITHIN).alias("route " + route.name() + " has no live connection left")
                .until(() -> route.metrics().activeConnections() == 0);
        try (Socket socket = Sockets.connect(route.localPort())) {
            Duplex echoed = Duplex.start(socket, MIB, 77, Long.MAX_VALUE, "test-next-client");
            String sent = echoed.sent.get(20, TimeUnit.SECONDS);
            assertThat(echoed.received.get(20, TimeUnit.SECONDS)).isEqualTo(new Sockets.Digest(MIB, sent));
        }
    }
}
