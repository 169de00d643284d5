package io.chaosproxy.attack11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import io.chaosproxy.TcpServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Listeners told of a pool's events on a loop, or on a probe's thread, that take the route or the proxy down. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PoolListenerAttackTest {

    @Test
    void closeFromABreakerListenerMidFailoverStillServesTheClientAndEndsEveryThread() throws Exception {
        String dead = Ports.dead();
        AtomicReference<ChaosProxy> proxyRef = new AtomicReference<>();
        AtomicBoolean closing = new AtomicBoolean();
        try (TcpServer live = TcpServer.echo()) {
            ChaosProxy proxy = ChaosProxy.builder()
                    .listener(event -> {
                        if (event instanceof ChaosEvent.CircuitBreakerChanged changed && changed.state().equals("open")
                                && closing.compareAndSet(false, true)) {
                            proxyRef.get().close();   // on the loop, between the failed try and the next one
                        }
                    })
                    .route(0, dead, live.address()).name("app").circuitBreaker(1, Duration.ofHours(1)).start();
            proxyRef.set(proxy);
            int port = proxy.route("app").localPort();
            try (proxy; Socket client = Sockets.connect(port)) {
                client.getOutputStream().write(3);
                assertThat(client.getInputStream().read()).as("the client, failed over during close()").isEqualTo(3);
                assertThat(closing).isTrue();
                assertThatRefused(port);
                client.shutdownOutput();
                assertThat(client.getInputStream().read()).isEqualTo(-1);
            }
            await().until(() -> Sockets.proxyThreads().isEmpty());
        }
    }

    @Test
    void disableFromANoUpstreamListenerClosesTheClientAndTheRouteComesBack() throws Exception {
        String dead1 = Ports.dead();
        String dead2 = Ports.dead();
        AtomicReference<ChaosProxy> proxyRef = new AtomicReference<>();
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (ChaosProxy proxy = ChaosProxy.builder()
                .listener(event -> {
                    events.add(event);
                    if (event instanceof ChaosEvent.NoUpstream) {
                        proxyRef.get().route("app").disable();   // on the loop, before the client is closed
                    }
                })
                .route(0, dead1, dead2).name("app").alsoListen(0).start()) {
            proxyRef.set(proxy);
            Route app = proxy.route("app");
            try (Socket client = Sockets.connect(app.localPort())) {
                assertThat(readOrReset(client)).isEqualTo(-1);
            }
            await().until(() -> !app.isEnabled());
            for (int port : app.localPorts()) {
                assertThat(Ports.canBind(port)).isTrue();
            }
            await().until(() -> app.metrics().activeConnections() == 0);
            assertThat(app.upstreams()).allSatisfy(u -> assertThat(u.activeConnections()).isZero());
            // The count drops before listeners hear of the close: wait for the event itself.
            await().until(() -> events.stream().anyMatch(ChaosEvent.ConnectionClosed.class::isInstance));
            assertThat(events).filteredOn(ChaosEvent.ConnectionClosed.class::isInstance).hasSize(1);
            app.enable();
            try (Socket client = Sockets.connect(app.localPorts().get(1))) {
                assertThat(readOrReset(client)).isEqualTo(-1);   // every target still dead: closed again
            }
        }
    }

    @Test
    void aHealthListenerThatDisablesAndEnablesTheRouteLeavesItServing() throws Exception {
        AtomicReference<ChaosProxy> proxyRef = new AtomicReference<>();
        List<Boolean> verdicts = new CopyOnWriteArrayList<>();
        try (TcpServer live = TcpServer.echo();
                HealthTarget flapping = new HealthTarget();
                ChaosProxy proxy = ChaosProxy.builder()
                        .listener(event -> {
                            if (event instanceof ChaosEvent.UpstreamHealthChanged changed) {
                                Route app = proxyRef.get().route("app");   // on the probe's thread
                                app.disable();
                                app.enable();
                                verdicts.add(changed.healthy());
                            }
                        })
                        .route(0, live.address(), flapping.address()).name("app").alsoListen(0)
                        .healthCheck(Duration.ofMillis(50), Duration.ofMillis(500)).start()) {
            proxyRef.set(proxy);
            Route app = proxy.route("app");
            for (int i = 0; i < 3; i++) {
                flapping.stop();
                int changes = 2 * i + 1;
                await().until(() -> verdicts.size() == changes);
                flapping.start();
                await().until(() -> verdicts.size() == changes + 1);
            }
            assertThat(verdicts).containsExactly(false, true, false, true, false, true);
            assertThat(app.isEnabled()).isTrue();
            for (int port : app.localPorts()) {
                try (Socket client = Sockets.connect(port)) {
                    client.getOutputStream().write(8);
                    assertThat(client.getInputStream().read()).isEqualTo(8);
                }
            }
        }
    }

    private static int readOrReset(Socket client) {
        try {
            return client.getInputStream().read();
        } catch (IOException reset) {
            return -1;
        }
    }

    private static void assertThatRefused(int port) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Sockets.connect(port).close())
                .isInstanceOf(ConnectException.class);
    }

    /** A target on a fixed port that can refuse (stopped) and echo one byte (started) again. */
    static final class HealthTarget implements AutoCloseable {
        private final int port = Ports.free();
        private volatile java.net.ServerSocket server;

        HealthTarget() throws IOException {
            start();
        }

        String address() {
            return "127.0.0.1:" + port;
        }

        void start() throws IOException {
            java.net.ServerSocket socket = new java.net.ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 200);
            server = socket;
            Thread acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (Socket accepted = socket.accept()) {
                        // A probe closes at once; a client gets its byte back.
                        accepted.setSoTimeout(2000);
                        int b = accepted.getInputStream().read();
                        if (b >= 0) {
                            accepted.getOutputStream().write(b);
                        }
                    } catch (java.net.SocketTimeoutException slow) {
                        // nothing came: next
                    } catch (IOException closed) {
                        if (socket.isClosed()) {
                            return;
                        }
                    }
                }
            }, "test-health-target");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        void stop() throws IOException {
            server.close();
        }

        @Override
        public void close() throws IOException {
            stop();
        }
    }
}
