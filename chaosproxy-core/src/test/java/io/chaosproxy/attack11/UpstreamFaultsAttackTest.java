package io.chaosproxy.attack11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Connection;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

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
                    Connection connection = app.connections().get(0);
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

    @Test
    void faultsChangedOnTheUpstreamWhileBytesStreamLoseNothing() throws Exception {
        byte[] payload = new byte[6 << 20];
        new Random(11).nextBytes(payload);
        try (TcpServer a = TcpServer.echo(); TcpServer b = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(11).route(0, a.address(), b.address()).name("app")
                        .start()) {
            Route app = proxy.route("app");
            List<Consumer<Upstream>> changes = List.of(
                    u -> u.addFault(Fault.latency(Duration.ofMillis(20)).named("lat")),
                    u -> u.addFault(Fault.slicer(700, 300, Duration.ZERO).direction(io.chaosproxy.Direction.BOTH)),
                    u -> u.updateFault(Fault.latency(Duration.ofMillis(5)).jitter(Duration.ofMillis(5)).named("lat")),
                    u -> u.addFault(Fault.timeout(Duration.ZERO).named("stall")),
                    u -> u.removeFault("stall"),
                    u -> u.setFaults(List.of(Fault.bandwidth(4 << 20).named("bw"),
                            Fault.loss(0.05).retransmitDelay(Duration.ofMillis(5)).named("loss"))),
                    u -> u.removeFault("bw"),
                    Upstream::clearFaults);
            try (Socket first = Sockets.connect(app.localPort()); Socket second = Sockets.connect(app.localPort())) {
                CompletableFuture<String> firstEcho = io.chaosproxy.Async.supplyAsync(() -> sha256(first));
                CompletableFuture<String> secondEcho = io.chaosproxy.Async.supplyAsync(() -> sha256(second));
                CompletableFuture<Void> writes = CompletableFuture.allOf(
                        io.chaosproxy.Async.runAsync(() -> writeInPieces(first, payload)),
                        io.chaosproxy.Async.runAsync(() -> writeInPieces(second, payload)));
                int round = 0;
                while (!writes.isDone()) {
                    for (Consumer<Upstream> change : changes) {
                        for (Upstream upstream : app.upstreams()) {
                            change.accept(upstream);
                        }
                        await().pollDelay(Duration.ofMillis(20)).until(() -> true);
                    }
                    round++;
                }
                writes.get(20, TimeUnit.SECONDS);
                String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload));
                assertThat(firstEcho.get(20, TimeUnit.SECONDS)).isEqualTo(expected);
                assertThat(secondEcho.get(20, TimeUnit.SECONDS)).isEqualTo(expected);
                assertThat(round).isPositive();
            }
        }
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

    private static void writeInPieces(Socket socket, byte[] payload) {
        try {
            for (int offset = 0; offset < payload.length; offset += 64 * 1024) {
                socket.getOutputStream().write(payload, offset, Math.min(64 * 1024, payload.length - offset));
            }
            socket.shutdownOutput();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256(Socket socket) {
        try {
            return Sockets.digest(socket.getInputStream()).sha256();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
