package io.chaosproxy.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.Async;
import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Promise 3: control calls from any thread and any listener, concurrently, without exception, deadlock or a
 * half-done state; a loop never waits for another loop.
 */
class ControlAttackTest {

    private static Upstream echo() {
        return Upstream.start(socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            in.transferTo(out);
        });
    }

    /** Sends one byte through the route and reads the echo. */
    private static void roundTrip(int port) throws Exception {
        try (Socket socket = Attack.connect(port)) {
            socket.getOutputStream().write(42);
            assertThat(socket.getInputStream().read()).isEqualTo(42);
        }
    }

    /**
     * A listener on proxy A closes proxy B, which has a live connection and a 3 s shutdown timeout. A's loop
     * must not wait for B (the README: a loop never waits for another loop); meanwhile another client of A
     * makes an echo round trip, which should come back long before B's shutdown timeout cuts B's client.
     */
    @Test
    void aListenerClosingAnotherProxyDoesNotStallItsOwnLoop() throws Exception {
        AtomicReference<ChaosProxy> other = new AtomicReference<>();
        try (Upstream upstream = echo();
                ChaosProxy b = ChaosProxy.builder().shutdownTimeout(Duration.ofSeconds(3))
                        .route(0, upstream.address()).start();
                ChaosProxy a = ChaosProxy.builder().eventLoops(1).listener(event -> {
                            if (event instanceof ChaosEvent.ConnectionOpened opened && opened.connection().id() == 1) {
                                other.get().close();
                            }
                        }).route(0, upstream.address()).start();
                Socket heldOnB = Attack.connect(b.routes().get(0).localPort())) {
            other.set(b);
            await().until(() -> b.metrics().activeConnections() == 1);
            CompletableFuture<Long> bCut = Async.supplyAsync(() -> {
                try {
                    heldOnB.getInputStream().read();
                } catch (Exception e) {
                    // a reset is a cut too
                }
                return System.nanoTime();
            });
            long start = System.nanoTime();
            try (Socket trigger = Attack.connect(a.routes().get(0).localPort())) {
                roundTrip(a.routes().get(0).localPort());
                long echoed = System.nanoTime();
                long cut = bCut.get(10, TimeUnit.SECONDS);
                System.out.printf("[control] echo through A after %d ms; B's client cut after %d ms%n",
                        (echoed - start) / 1_000_000, (cut - start) / 1_000_000);
                assertThat(echoed).as("A's loop waited for B's shutdown before serving its next client")
                        .isLessThan(cut);
            }
        }
    }

    /** Two proxies whose listeners close each other at the same moment, each with a live connection. */
    @Test
    void twoProxiesClosingEachOtherFromListeners() throws Exception {
        AtomicReference<ChaosProxy> refA = new AtomicReference<>();
        AtomicReference<ChaosProxy> refB = new AtomicReference<>();
        CyclicBarrier both = new CyclicBarrier(2);
        Set<String> before = Sockets.proxyThreads();
        try (Upstream upstream = echo()) {
            ChaosProxy a = ChaosProxy.builder().shutdownTimeout(Duration.ofMillis(500)).listener(event -> {
                if (event instanceof ChaosEvent.ConnectionOpened opened && opened.connection().id() == 2) {
                    awaitQuietly(both);
                    refB.get().close();
                }
            }).route(0, upstream.address()).start();
            ChaosProxy b = ChaosProxy.builder().shutdownTimeout(Duration.ofMillis(500)).listener(event -> {
                if (event instanceof ChaosEvent.ConnectionOpened opened && opened.connection().id() == 2) {
                    awaitQuietly(both);
                    refA.get().close();
                }
            }).route(0, upstream.address()).start();
            refA.set(a);
            refB.set(b);
            try (Socket heldA = Attack.connect(a.routes().get(0).localPort());
                    Socket heldB = Attack.connect(b.routes().get(0).localPort());
                    Socket triggerA = Attack.connect(a.routes().get(0).localPort());
                    Socket triggerB = Attack.connect(b.routes().get(0).localPort())) {
                await().atMost(Duration.ofSeconds(5)).until(() -> a.toString().contains("closed")
                        && b.toString().contains("closed"));
                long start = System.nanoTime();
                a.close();
                b.close();
                long returned = System.nanoTime();
                java.util.concurrent.atomic.AtomicLong gone = new java.util.concurrent.atomic.AtomicLong();
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
                    if (Sockets.proxyThreads().stream().allMatch(before::contains)) {
                        gone.set(System.nanoTime());   // when they were first seen gone
                    }
                    return gone.get() != 0;
                });
                long threadsGone = gone.get();
                System.out.printf("[control] mutual close: close() returned after %d ms; threads %s%n",
                        (returned - start) / 1_000_000, threadsGone == 0 ? "still alive after 15 s: "
                                + Sockets.proxyThreads() : "gone after " + (threadsGone - start) / 1_000_000 + " ms");
                assertThat(threadsGone).as("threads left after close() returned").isNotZero();
                assertThat(threadsGone - start).as("threads ended within the shutdown timeout and a margin")
                        .isLessThan(TimeUnit.MILLISECONDS.toNanos(500 + 1000));
            }
        }
    }

    private static void awaitQuietly(CyclicBarrier barrier) {
        try {
            barrier.await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the other side never came: go on alone
        }
    }

    @Test
    void enableRightAfterDisableFromAListener() throws Exception {
        AtomicReference<ChaosProxy> self = new AtomicReference<>();
        try (Upstream upstream = echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(event -> {
                    if (event instanceof ChaosEvent.ConnectionOpened opened && opened.connection().id() <= 3) {
                        Route route = self.get().route(opened.connection().route());
                        route.disable();
                        route.enable();
                    }
                }).route(0, upstream.address()).name("r").start()) {
            self.set(proxy);
            for (int i = 0; i < 3; i++) {
                try (Socket cut = Attack.connect(proxy.route("r").localPort())) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cut.getInputStream().read())
                            .as("cut by the listener's disable: a reset").isInstanceOf(java.net.SocketException.class);
                }
            }
            // the client sees its cut while the listener is between disable() and enable(): wait for the latter
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> proxy.route("r").isEnabled());
            roundTrip(proxy.route("r").localPort());
        }
    }

    /**
     * addRoute and enable racing close(): whichever wins, once close() is waiting for live connections no port
     * of the proxy may accept.
     */
    @Test
    void addRouteAndEnableRacingClose() throws Exception {
        int accepting = 0;
        int rounds = 40;
        try (Upstream upstream = echo()) {
            for (int round = 0; round < rounds; round++) {
                ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(Duration.ofMillis(400))
                        .route(0, upstream.address()).name("live")
                        .route(0, upstream.address()).name("off").enabled(false).start();
                int livePort = proxy.route("live").localPort();
                try (Socket held = Attack.connect(livePort)) {
                    await().until(() -> proxy.metrics().activeConnections() == 1);
                    CyclicBarrier start = new CyclicBarrier(3);
                    CompletableFuture<Route> added = Async.supplyAsync(() -> {
                        awaitQuietly(start);
                        try {
                            return proxy.addRoute(0, upstream.address());
                        } catch (IllegalStateException closed) {
                            return null;
                        }
                    });
                    CompletableFuture<Boolean> enabled = Async.supplyAsync(() -> {
                        awaitQuietly(start);
                        try {
                            proxy.route("off").enable();
                            return true;
                        } catch (IllegalStateException closed) {
                            return false;
                        }
                    });
                    AtomicReference<Thread> closer = new AtomicReference<>();
                    CompletableFuture<Void> closing = Async.runAsync(() -> {
                        closer.set(Thread.currentThread());
                        awaitQuietly(start);
                        proxy.close();
                    });
                    Route newRoute = added.get(5, TimeUnit.SECONDS);
                    boolean offEnabled = enabled.get(5, TimeUnit.SECONDS);
                    // close() stops every listener, one after the other, before it waits for the held connection
                    // (400 ms): the live route refusing says only that the first one stopped; the closing thread
                    // waiting for connections says they all did
                    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                            .until(() -> closing.isDone() || waitsForConnections(closer.get()));
                    if (!closing.isDone()) {
                        if (newRoute != null && accepts(newRoute.localPort())) {
                            accepting++;
                            System.out.printf("[control] round %d: a route added during close() accepts while"
                                    + " close() waits%n", round);
                        }
                        if (offEnabled && accepts(proxy.route("off").localPort())) {
                            accepting++;
                            System.out.printf("[control] round %d: a route enabled during close() accepts while"
                                    + " close() waits%n", round);
                        }
                    }
                    closing.get(5, TimeUnit.SECONDS);
                }
            }
        }
        assertThat(accepting).as("ports that accepted while close() waited, in %d rounds", rounds).isZero();
    }

    private static boolean waitsForConnections(Thread thread) {
        return thread != null && java.util.Arrays.stream(thread.getStackTrace())
                .anyMatch(frame -> frame.getMethodName().equals("awaitConnections"));
    }

    private static boolean accepts(int port) {
        try (Socket socket = Attack.connect(port)) {
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (Exception other) {
            return false;
        }
    }
}
