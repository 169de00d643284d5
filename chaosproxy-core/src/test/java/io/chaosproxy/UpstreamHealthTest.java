package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Health checks and circuit breakers of a route's upstreams, with targets killed and brought back. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamHealthTest {

    @Test
    void aKilledTargetIsSkippedWithinOneIntervalAndReadmittedWhenItReturns() throws Exception {
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (TcpServer a = TcpServer.identity("a"); Target b = Target.start("b")) {
            try (ChaosProxy proxy = ChaosProxy.builder().listener(events::add)
                    .route(0, a.address(), b.address()).name("app")
                    .healthCheck(Duration.ofMillis(200), Duration.ofMillis(500)).start()) {
                Route app = proxy.route("app");
                Upstream upstreamB = app.upstream(b.address());
                assertThat(UpstreamPoolTest.answers(app, 10)).containsEntry("a", 5L).containsEntry("b", 5L);

                b.stop();
                long killed = System.nanoTime();
                await().atMost(Duration.ofSeconds(5)).until(() -> !upstreamB.healthy());
                // One interval plus a probe's time: generous for a loaded machine, but far below the test's limit.
                assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(3));
                long failuresBefore = upstreamB.connectFailures();
                assertThat(UpstreamPoolTest.answers(app, 10)).containsOnlyKeys("a").containsEntry("a", 10L);
                assertThat(upstreamB.connectFailures()).isEqualTo(failuresBefore);   // skipped, not tried

                b.restart();
                await().atMost(Duration.ofSeconds(5)).until(upstreamB::healthy);
                assertThat(UpstreamPoolTest.answers(app, 10)).containsEntry("a", 5L).containsEntry("b", 5L);

                List<ChaosEvent.UpstreamHealthChanged> changes = events.stream()
                        .filter(ChaosEvent.UpstreamHealthChanged.class::isInstance)
                        .map(ChaosEvent.UpstreamHealthChanged.class::cast).toList();
                assertThat(changes).extracting(ChaosEvent.UpstreamHealthChanged::healthy).containsExactly(false, true);
                assertThat(changes).allSatisfy(c -> {
                    assertThat(c.route()).isEqualTo("app");
                    assertThat(c.upstream()).isEqualTo(b.address());
                    assertThat(c.connection()).isNull();
                });
                assertThat(upstreamB.metrics().healthChanges()).isEqualTo(2);
            }
            await().until(() -> Sockets.proxyThreads().stream().noneMatch(t -> t.contains("health")));
        }
    }

    @Test
    void whenNoTargetIsHealthyTheClientIsClosedAtOnce() throws Exception {
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (Target a = Target.start("a");
                ChaosProxy proxy = ChaosProxy.builder().listener(events::add).route(0, a.address())
                        .healthCheck(Duration.ofMillis(100), Duration.ofMillis(500)).start()) {
            Route route = proxy.routes().get(0);
            a.stop();
            await().until(() -> !route.upstreams().get(0).healthy());
            try (Socket client = Sockets.connect(route)) {
                assertThat(client.getInputStream().read()).isEqualTo(-1);
            }
            await().until(() -> events.stream().anyMatch(ChaosEvent.NoUpstream.class::isInstance));
            assertThat(events).filteredOn(ChaosEvent.NoUpstream.class::isInstance).singleElement()
                    .satisfies(e -> assertThat(((ChaosEvent.NoUpstream) e).tried()).isEmpty());
            assertThat(events).noneMatch(ChaosEvent.UpstreamError.class::isInstance);
        }
    }

    @Test
    void theBreakerOpensAfterNFailuresAndClosesAfterAGoodTrial() throws Exception {
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (TcpServer a = TcpServer.identity("a"); Target b = Target.start("b")) {
            b.stop();
            try (ChaosProxy proxy = ChaosProxy.builder().listener(events::add)
                    .route(0, a.address(), b.address()).name("app")
                    .circuitBreaker(3, Duration.ofMillis(400)).start()) {
                Route app = proxy.route("app");
                Upstream upstreamB = app.upstream(b.address());
                // Round robin: every second connection tries b first, fails, and fails over to a.
                assertThat(UpstreamPoolTest.answers(app, 6)).containsOnlyKeys("a");
                assertThat(upstreamB.connectFailures()).isEqualTo(3);
                assertThat(upstreamB.breakerOpen()).isTrue();
                assertThat(UpstreamPoolTest.answers(app, 6)).containsOnlyKeys("a");
                assertThat(upstreamB.connectFailures()).isEqualTo(3);   // open: skipped, not tried

                // After the cool-down one trial is let through; it fails, and the breaker opens again.
                await().pollDelay(Duration.ofMillis(450)).until(() -> true);
                assertThat(UpstreamPoolTest.answers(app, 2)).containsOnlyKeys("a");
                assertThat(upstreamB.connectFailures()).isEqualTo(4);
                assertThat(upstreamB.breakerOpen()).isTrue();

                b.restart();
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    UpstreamPoolTest.answers(app, 1);
                    return !upstreamB.breakerOpen();
                });
                assertThat(UpstreamPoolTest.answers(app, 10)).containsEntry("a", 5L).containsEntry("b", 5L);
                assertThat(events).filteredOn(ChaosEvent.CircuitBreakerChanged.class::isInstance)
                        .extracting(e -> ((ChaosEvent.CircuitBreakerChanged) e).state())
                        .startsWith("open", "half_open", "open").endsWith("half_open", "closed");
                assertThat(upstreamB.metrics().breakerOpenings()).isGreaterThanOrEqualTo(2);
            }
        }
    }

    @Test
    void aTrialClosedBeforeItsConnectIsDecidedLetsTheNextTrialThrough() throws Exception {
        // A target that never answers a connect (its backlog is full), so a trial can outlive its client.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> fillers = new CopyOnWriteArrayList<>();
            for (int i = 0; i < 8; i++) {
                Socket filler = new Socket();
                try {
                    filler.connect(silent.getLocalSocketAddress(), 200);
                    fillers.add(filler);
                } catch (IOException full) {
                    filler.close();
                    break;
                }
            }
            String blackhole = "127.0.0.1:" + silent.getLocalPort();
            try (ChaosProxy proxy = ChaosProxy.builder().route(0, blackhole)
                    .connectTimeout(Duration.ofMillis(300)).circuitBreaker(1, Duration.ofMillis(100)).start()) {
                Route route = proxy.routes().get(0);
                Upstream hole = route.upstream(blackhole);
                try (Socket first = Sockets.connect(route)) {
                    assertThat(first.getInputStream().read()).isEqualTo(-1);   // timed out
                }
                await().until(hole::breakerOpen);
                assertThat(hole.connectFailures()).isEqualTo(1);
                await().pollDelay(Duration.ofMillis(150)).until(() -> true);
                // The trial's connection is closed (by the test here) before its connect times out.
                try (Socket leaving = Sockets.connect(route)) {
                    await().until(() -> hole.activeConnections() == 1);
                    route.closeConnections();
                    await().until(() -> hole.activeConnections() == 0);
                }
                assertThat(hole.connectFailures()).isEqualTo(1);
                // The breaker is open again with its cool-down over: the next client is a trial once more and
                // times out; a breaker stuck half open would close it at once, untried.
                try (Socket next = Sockets.connect(route)) {
                    assertThat(next.getInputStream().read()).isEqualTo(-1);
                }
                await().until(() -> hole.connectFailures() == 2);
            } finally {
                for (Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    @Test
    void aListenerThatClosesConnectionsOnEveryBreakerChangeLeavesNoCountBehind() throws Exception {
        AtomicReference<ChaosProxy> proxyRef = new AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean cutTrials = new java.util.concurrent.atomic.AtomicBoolean(true);
        List<String> states = new CopyOnWriteArrayList<>();
        try (TcpServer a = TcpServer.identity("a"); Target b = Target.start("b")) {
            b.stop();
            try (ChaosProxy proxy = ChaosProxy.builder()
                    .listener(event -> {
                        if (event instanceof ChaosEvent.CircuitBreakerChanged changed) {
                            states.add(changed.state());
                            if (!changed.state().equals("half_open") || cutTrials.get()) {
                                proxyRef.get().route("app").closeConnections();   // on the loop, mid-decision
                            }
                        }
                    })
                    .route(0, b.address(), a.address()).name("app").circuitBreaker(1, Duration.ofMillis(50))
                    .start()) {
                proxyRef.set(proxy);
                Route app = proxy.route("app");
                Upstream upstreamB = app.upstream(b.address());
                for (int i = 0; i < 10; i++) {
                    try (Socket client = Sockets.connect(app)) {
                        client.getInputStream().readAllBytes();   // "a", or cut by the listener
                    } catch (IOException cut) {
                        // an RST from the listener's cut
                    }
                    await().pollDelay(Duration.ofMillis(60)).until(() -> true);
                }
                assertThat(states).contains("half_open");
                cutTrials.set(false);   // a trial that is never cut can now succeed (and its success is cut)
                b.restart();
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    try (Socket client = Sockets.connect(app)) {
                        client.getInputStream().readAllBytes();
                    } catch (IOException cut) {
                        // as above
                    }
                    return states.contains("closed");
                });
                await().until(() -> app.upstreams().stream().allMatch(u -> u.activeConnections() == 0));
                assertThat(upstreamB.breakerOpen()).isFalse();
                assertThat(app.connections()).isEmpty();
            }
        }
    }

    /** A target that can be stopped and brought back on the same port, answering its name to each client. */
    static final class Target implements AutoCloseable {
        private final String name;
        private final int port;
        private volatile ServerSocket server;
        private final AtomicInteger accepted = new AtomicInteger();

        private Target(String name, int port) {
            this.name = name;
            this.port = port;
        }

        static Target start(String name) throws IOException {
            Target target = new Target(name, Sockets.freePort());
            target.restart();
            return target;
        }

        String address() {
            return "127.0.0.1:" + port;
        }

        void restart() throws IOException {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            server = socket;
            Thread thread = new Thread(() -> serve(socket), "test-target-" + name);
            thread.setDaemon(true);
            thread.start();
        }

        private void serve(ServerSocket socket) {
            while (!socket.isClosed()) {
                try (Socket client = socket.accept()) {
                    accepted.incrementAndGet();
                    client.getOutputStream().write(name.getBytes(StandardCharsets.UTF_8));
                    client.shutdownOutput();
                    client.setSoTimeout(2000);
                    InputStream in = client.getInputStream();
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // closed by stop(), or a client (a probe) that left
                }
            }
        }

        void stop() {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            stop();
        }
    }
}
