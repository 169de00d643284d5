package io.chaosproxy.attack11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.Async;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Direction;
import io.chaosproxy.DuplicateException;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import io.chaosproxy.TcpServer;
import io.chaosproxy.Upstream;
import java.io.InputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Per-upstream faults: one name space with the route's, whichever way a fault comes in; back to the start with
 * restoreFaults(); one upstream named twice; changes while bytes stream.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UpstreamFaultsAttackTest {
    private static final Fault SLOW = Fault.latency(Duration.ofMillis(300)).named("slow");

    @Test
    void aFaultNameClashesWithTheRoutesWhicheverWayItComesIn() throws Exception {
        try (TcpServer a = TcpServer.echo(); TcpServer b = TcpServer.echo()) {
            String x = a.address();
            String y = b.address();
            assertDuplicate(() -> ChaosProxy.builder().route(0, x, y).upstreamFault(x, SLOW).fault(SLOW));
            assertDuplicate(() -> ChaosProxy.builder().route(0, x, y).fault(SLOW).upstreamFault(x, SLOW));
            assertDuplicate(() -> ChaosProxy.builder().route(0, x, y).upstreamFault(x, SLOW).upstreamFault(x, SLOW));
            assertDuplicate(() -> ChaosProxy.builder().route(0, x, y).upstreamFault(y, SLOW).latency(Duration.ZERO)
                    .upstreamFault(y, Fault.latency(Duration.ofMillis(1))));   // latency_downstream twice on y
            try (ChaosProxy proxy = ChaosProxy.builder().route(0, x, y).name("app").upstreamFault(x, SLOW)
                    .upstreamFault(y, SLOW).fault(Fault.bandwidth(1 << 30).named("wide")).start()) {
                Route app = proxy.route("app");
                Upstream first = app.upstream(x);
                Fault sameAsRoutes = Fault.latency(Duration.ofMillis(5)).named("wide");
                assertDuplicate(() -> app.addFault(SLOW));
                assertDuplicate(() -> app.setFaults(List.of(SLOW)));
                assertDuplicate(() -> first.addFault(sameAsRoutes));
                assertDuplicate(() -> first.setFaults(List.of(sameAsRoutes)));
                assertDuplicate(() -> first.setFaults(List.of(Fault.latency(Duration.ZERO).named("n"),
                        Fault.bandwidth(1).named("n"))));
                assertDuplicate(() -> first.updateFault(sameAsRoutes.named("slow")).addFault(sameAsRoutes));
                assertThatThrownBy(() -> app.updateFault(SLOW)).isInstanceOf(java.util.NoSuchElementException.class);
                // Nothing changed by any refusal, but the one update that came before a refused add.
                assertThat(app.faults()).extracting(Fault::name).containsExactly("wide");
                assertThat(first.faults()).containsExactly(sameAsRoutes.named("slow"));
                assertThat(app.upstream(y).faults()).containsExactly(SLOW);
            }
        }
    }

    @Test
    void restoreFaultsBringsBackTheUpstreamsFaultsToo() throws Exception {
        try (TcpServer a = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, a.address()).name("app")
                        .upstreamFault(a.address(), SLOW).fault(Fault.bandwidth(1 << 30).named("wide")).start()) {
            Route app = proxy.route("app");
            Upstream upstream = app.upstream(a.address());
            upstream.clearFaults();
            app.removeFault("wide");
            upstream.addFault(Fault.latency(Duration.ofMillis(10)).named("wide"));   // free now, on the upstream
            assertThatCode(app::restoreFaults).as("restoreFaults").doesNotThrowAnyException();
            assertThat(app.faults()).extracting(Fault::name).containsExactly("wide");
            assertThat(upstream.faults()).as("the upstream's faults after restoreFaults()").containsExactly(SLOW);
            try (Socket client = Sockets.connect(app.localPort())) {
                assertThat(roundTripMillis(client)).isGreaterThanOrEqualTo(300);
            }
        }
    }

    @Test
    void anUpstreamNamedTwiceHasOneSetOfFaults() throws Exception {
        try (TcpServer a = TcpServer.echo(); TcpServer b = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, a.address(), b.address(), a.address())
                        .name("app").upstreamFault(a.address(), SLOW).start()) {
            Route app = proxy.route("app");
            assertThat(app.upstreams().get(2).faults()).containsExactly(SLOW);   // from the builder, as the first
            app.upstream(a.address()).clearFaults();
            // Round robin: a, b, a again. No connection to a may still be slowed.
            for (int i = 0; i < 3; i++) {
                try (Socket client = Sockets.connect(app.localPort())) {
                    long millis = roundTripMillis(client);
                    ChaosConnection connection = app.connections().get(0);
                    assertThat(connection.faults()).as("faults of connection " + i + " to " + connection.upstream())
                            .isEmpty();
                    assertThat(millis).isLessThan(300);
                }
                await().until(() -> app.connections().isEmpty());
            }
            assertThat(app.upstreams()).allSatisfy(u -> assertThat(u.faults()).isEmpty());
            assertThatCode(() -> app.addFault(SLOW)).doesNotThrowAnyException();
        }
    }

    /**
     * Two 6 MiB echo streams, one through each upstream, sent 128 KiB at a time: a piece, then a change to the
     * faults of both upstreams (or of the route: the same eight changes), which must reach both connections; then
     * (unless the change put the stall in place) everything sent so far must come back. So each change is made six
     * times with bytes in the proxy, and one that stalls a stream fails the test, named. Readers and writers run
     * on threads of their own ({@link Async}): on two cores JDK 25's common pool has a single thread, and the first
     * blocking read held it while the writers never started (a read timeout after 20 s). The waits are generous:
     * they end as soon as the bytes are back.
     */
    @ParameterizedTest(name = "changed on the {0}")
    @ValueSource(strings = {"upstreams", "route"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void faultsChangedWhileBytesStreamLoseNothing(String where) throws Exception {
        byte[] payload = new byte[6 << 20];
        new Random(11).nextBytes(payload);
        try (TcpServer a = TcpServer.echo(); TcpServer b = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(11).highWaterMark(64 * 1024)   // a piece fills it
                        .route(0, a.address(), b.address()).name("app").start()) {
            Route app = proxy.route("app");
            List<Runnable> changes = where.equals("route") ? routeChanges(app) : upstreamChanges(app);
            try (Socket first = Sockets.connect(app.localPort()); Socket second = Sockets.connect(app.localPort())) {
                List<EchoStream> streams = List.of(new EchoStream(first, payload), new EchoStream(second, payload));
                int step = 0;
                while (!streams.stream().allMatch(EchoStream::allSent)) {
                    String change = "change " + step % changes.size() + " of round " + step / changes.size();
                    streams.forEach(EchoStream::sendPiece);
                    soon().alias("a piece sent before " + change)
                            .until(() -> streams.stream().allMatch(EchoStream::pieceSent));
                    changes.get(step % changes.size()).run();
                    soon().alias(change + " on every connection").until(() -> app.connections().stream()
                            .allMatch(c -> c.faults().equals(faultsFor(app, app.upstream(c.upstream())))));
                    if (faultsFor(app, app.upstreams().get(0)).stream().noneMatch(f -> f.name().equals("stall"))) {
                        soon().alias("every byte sent back after " + change)
                                .until(() -> streams.stream().allMatch(EchoStream::caughtUp));
                    }
                    step++;
                }
                String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
                for (EchoStream stream : streams) {
                    assertThat(stream.sha256.get(20, TimeUnit.SECONDS)).isEqualTo(expected);
                }
                assertThat(step).as("pieces of 128 KiB").isEqualTo(48);
            }
        }
    }

    private static final Fault LAT = Fault.latency(Duration.ofMillis(20)).named("lat");
    private static final Fault SLICER = Fault.slicer(700, 300, Duration.ZERO).direction(Direction.BOTH);
    private static final Fault JITTERY_LAT = Fault.latency(Duration.ofMillis(5)).jitter(Duration.ofMillis(5))
            .named("lat");
    private static final Fault STALL = Fault.timeout(Duration.ZERO).named("stall");
    private static final List<Fault> BW_AND_LOSS = List.of(Fault.bandwidth(4 << 20).named("bw"),
            Fault.loss(0.05).retransmitDelay(Duration.ofMillis(5)).named("loss"));

    private static List<Runnable> upstreamChanges(Route app) {
        List<Consumer<Upstream>> changes = List.of(u -> u.addFault(LAT), u -> u.addFault(SLICER),
                u -> u.updateFault(JITTERY_LAT), u -> u.addFault(STALL), u -> u.removeFault("stall"),
                u -> u.setFaults(BW_AND_LOSS), u -> u.removeFault("bw"), Upstream::clearFaults);
        return changes.stream().map(change -> (Runnable) () -> app.upstreams().forEach(change)).toList();
    }

    private static List<Runnable> routeChanges(Route app) {
        return List.of(() -> app.addFault(LAT), () -> app.addFault(SLICER), () -> app.updateFault(JITTERY_LAT),
                () -> app.addFault(STALL), () -> app.removeFault("stall"), () -> app.setFaults(BW_AND_LOSS),
                () -> app.removeFault("bw"), app::clearFaults);
    }

    /** What a connection to {@code upstream} follows: the route's faults, then the upstream's. */
    private static List<Fault> faultsFor(Route app, Upstream upstream) {
        return Stream.concat(app.faults().stream(), upstream.faults().stream()).toList();
    }

    @Test
    void connectionFaultsOnAnUpstreamActFromItsConnectOrNotAtAll() throws Exception {
        try (TcpServer a = TcpServer.echo(); TcpServer b = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(5).route(0, a.address(), b.address()).name("app")
                        .start()) {
            Route app = proxy.route("app");
            // Before the connect they come too late: neither a drop nor a connect delay acts on a's connections.
            app.upstream(a.address()).addFault(Fault.drop(1.0)).addFault(Fault.connectDelay(Duration.ofSeconds(5)));
            app.upstream(b.address()).addFault(Fault.maxLifetime(Duration.ofMillis(200)));
            for (int i = 0; i < 4; i++) {
                try (Socket client = Sockets.connect(app.localPort())) {
                    assertThat(roundTripMillis(client)).isLessThan(2000);
                    String upstream = app.connections().get(0).upstream();
                    if (upstream.equals(b.address())) {
                        assertThat(client.getInputStream().read()).as("b's connection at its max lifetime")
                                .isEqualTo(-1);
                    } else {
                        assertThat(app.connections()).hasSize(1);
                    }
                }
                await().until(() -> app.connections().isEmpty());
            }
            assertThat(app.metrics().droppedConnections()).isZero();
            assertThat(app.upstreams()).extracting(Upstream::connectionsTotal).containsExactly(2L, 2L);
        }
    }

    /** Generous (the machine may be busy), and polled often: most waits here end within milliseconds. */
    private static org.awaitility.core.ConditionFactory soon() {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5));
    }

    private static void assertDuplicate(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOf(DuplicateException.class);
    }

    private static long roundTripMillis(Socket client) throws Exception {
        InputStream in = client.getInputStream();
        long start = System.nanoTime();
        client.getOutputStream().write(7);
        assertThat(in.read()).isEqualTo(7);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /**
     * One client's stream to the echo upstream: {@link #sendPiece} has the writer send the next 128 KiB (and
     * half-close after the last); a reader reads it back to its end, counting, and gives the SHA-256 of it all.
     * Both block on sockets, on threads of their own.
     */
    private static final class EchoStream {
        private static final int PIECE = 128 * 1024;
        private final Semaphore turns = new Semaphore(0);
        private final AtomicLong sent = new AtomicLong();
        private final AtomicLong received = new AtomicLong();
        private final int size;
        private volatile long wanted;   // written by the test's thread, read by Awaitility's
        private final CompletableFuture<Void> written;
        final CompletableFuture<String> sha256;

        EchoStream(Socket socket, byte[] payload) throws java.net.SocketException {
            this.size = payload.length;
            socket.setSoTimeout(60_000);   // longer than the test's waits: a stalled stream fails one, named
            written = Async.runAsync(() -> {
                try {
                    for (int offset = 0; offset < size; offset += PIECE) {
                        turns.acquire();
                        socket.getOutputStream().write(payload, offset, Math.min(PIECE, size - offset));
                        sent.set(Math.min(offset + PIECE, size));
                    }
                    socket.shutdownOutput();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            sha256 = Async.supplyAsync(() -> {
                try {
                    MessageDigest sha = Sockets.sha256();
                    InputStream in = socket.getInputStream();
                    byte[] buffer = new byte[64 * 1024];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        sha.update(buffer, 0, n);
                        received.addAndGet(n);
                    }
                    return HexFormat.of().formatHex(sha.digest());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        void sendPiece() {
            wanted = Math.min(wanted + PIECE, size);
            turns.release();
        }

        boolean pieceSent() {
            if (written.isCompletedExceptionally()) {
                written.join();   // throws: the await fails with the writer's error
            }
            return sent.get() == wanted;
        }

        boolean allSent() {
            return sent.get() == size;
        }

        /** Whether every byte sent has come back, or the stream failed (which {@code sha256.get()} reports). */
        boolean caughtUp() {
            return received.get() == sent.get() || sha256.isCompletedExceptionally();
        }
    }
}
