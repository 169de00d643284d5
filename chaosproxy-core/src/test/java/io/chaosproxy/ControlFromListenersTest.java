package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Control calls made from inside a listener, on an event loop: each is done when it returns, throws nothing, and
 * never deadlocks, also when listeners on two loops control each other's routes.
 */
class ControlFromListenersTest {
    private final Queue<Throwable> thrown = new ConcurrentLinkedQueue<>();
    private final AtomicReference<ChaosProxy> proxyRef = new AtomicReference<>();

    /** Runs {@code action}, keeping whatever it throws: a listener's exceptions are otherwise only logged. */
    private void recording(ThrowingRunnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            thrown.add(t);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void disableFromAListenerOnConnectionClosedTakesTheRouteDownCompletely() throws Exception {
        CompletableFuture<Boolean> portFreeInListener = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(event -> {
                    if (event instanceof ChaosEvent.ConnectionClosed closed && closed.connection().id() == 1) {
                        recording(() -> {
                            Route route = proxyRef.get().route("r");
                            route.disable();
                            portFreeInListener.complete(refuses(route.localPort()));
                        });
                    }
                }).route(0, upstream.address()).name("r").start()) {
            proxyRef.set(proxy);
            Route route = proxy.route("r");
            Socket second;
            try (Socket first = Sockets.connect(route)) {
                second = Sockets.connect(route);
                await().until(() -> route.connections().size() == 2);
            }
            try (second) {
                assertThat(portFreeInListener.get(10, TimeUnit.SECONDS)).as("port refused when disable() returned").isTrue();
                assertThatThrownBy(() -> second.getInputStream().read()).as("the live connection was cut")
                        .isInstanceOf(java.net.SocketException.class);
                assertThat(route.isEnabled()).isFalse();
                assertThat(route.connections()).isEmpty();
            }
            assertThat(thrown).isEmpty();
            route.enable();
            assertThat(echo(route, "back")).isEqualTo("back");
        }
    }

    @Test
    void removeRouteAndAddRouteFromAListener() throws Exception {
        CompletableFuture<Route> added = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(event -> {
                    if (event instanceof ChaosEvent.ConnectionOpened opened && opened.connection().route().equals("a")) {
                        recording(() -> {
                            ChaosProxy p = proxyRef.get();
                            p.removeRoute("a");
                            added.complete(p.addRoute(0, upstream.address(), r -> r.name("b")));
                        });
                    }
                }).route(0, upstream.address()).name("a").start()) {
            proxyRef.set(proxy);
            int portA = proxy.route("a").localPort();
            try (Socket client = Sockets.connect(portA)) {
                Route b = added.get(10, TimeUnit.SECONDS);
                assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(java.net.SocketException.class);
                assertThat(proxy.routes()).extracting(Route::name).containsExactly("b");
                assertThat(refuses(portA)).isTrue();
                assertThat(echo(b, "via b")).isEqualTo("via b");
            }
            assertThat(thrown).isEmpty();
        }
    }

    @Test
    void listenersOnTwoLoopsControllingEachOthersRoutesNeverDeadlock() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().eventLoops(2).listener(event -> {
                    if (event instanceof ChaosEvent.ConnectionOpened opened) {
                        recording(() -> {
                            ChaosProxy p = proxyRef.get();
                            Route other = p.route(opened.connection().route().equals("a") ? "b" : "a");
                            other.addFault(Fault.latency(Duration.ofMillis(1)).named("l" + opened.connection().id()));
                            other.setFaults(List.of());
                            other.closeConnections();
                            other.connections().forEach(c -> c.addFault(Fault.slowClose(Duration.ZERO)));
                            p.metrics();
                        });
                    }
                }).route(0, upstream.address()).name("a").route(0, upstream.address()).name("b").start()) {
            proxyRef.set(proxy);
            List<CompletableFuture<Void>> clients = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Route route = proxy.route(i % 2 == 0 ? "a" : "b");
                clients.add(FaultTestSupport.inBackground("client-" + i, () -> {
                    for (int n = 0; n < 25; n++) {
                        try (Socket socket = Sockets.connect(route)) {
                            socket.getOutputStream().write(1);
                            socket.getInputStream().read();   // an echo, or -1 when the other route's listener cut it
                        } catch (java.net.SocketException cut) {
                            // cut by the other route's listener: what this test does on purpose
                        }
                    }
                }));
            }
            CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            assertThat(thrown).isEmpty();
            assertThat(proxy.route("a").faults()).isEmpty();
        }
    }

    @Test
    void aListenerThatOverflowsTheStackDoesNotHurtTheProxy() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().eventLoops(1).listener(event -> {
                    if (event instanceof ChaosEvent.ConnectionOpened) {
                        recurse(0);
                    }
                }).route(0, upstream.address()).start()) {
            for (int i = 0; i < 3; i++) {
                assertThat(echo(proxy.routes().get(0), "still here " + i)).isEqualTo("still here " + i);
            }
        }
    }

    @Test
    void closeFromAListenerEndsTheProxyWithoutThrowing() throws Exception {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.echo()) {
            ChaosProxy proxy = ChaosProxy.builder().listener(event -> {
                if (event instanceof ChaosEvent.ConnectionOpened) {
                    recording(() -> proxyRef.get().close());
                    closed.complete(null);
                }
            }).route(0, upstream.address()).start();
            proxyRef.set(proxy);
            int port = proxy.routes().get(0).localPort();
            try (Socket client = Sockets.connect(port)) {
                closed.get(10, TimeUnit.SECONDS);
                assertThat(refuses(port)).isTrue();
            }
            // the loops end once the listener returns: no thread of any proxy is left (the others are closed)
            await().until(() -> Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .noneMatch(name -> name.startsWith("chaos-proxy-loop-") || name.startsWith("chaos-proxy-accept-")));
            proxy.close();
            assertThat(thrown).isEmpty();
            assertThatThrownBy(() -> proxy.routes().get(0).addFault(Fault.latency(Duration.ofMillis(1))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    static boolean refuses(int port) {
        try (Socket ignored = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (java.io.IOException other) {
            return false;
        }
    }

    static String echo(Route route, String text) throws Exception {
        try (Socket socket = Sockets.connect(route)) {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            return Sockets.readAll(socket);
        }
    }
}
