package io.chaosproxy.attack2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.Async;
import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Promise 3: close() returns when the proxy is closed (ports refuse, no thread of it left), whoever calls it
 * and however many call it at once; a listener's close() returns at once and a closer thread does the waiting.
 */
class CloseRaceAttackTest {
    private static final Duration SHUTDOWN = Duration.ofMillis(1500);

    private static Socket connect(int port) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static boolean refuses(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return false;
        } catch (ConnectException refused) {
            return true;
        } catch (Exception other) {
            return false;
        }
    }

    /** A thread's close() waits for a live connection; a second close() from another thread returns at once. */
    @Test
    void aSecondConcurrentCloseReturnsOnlyWhenTheProxyIsClosed() throws Exception {
        Set<String> baseline = Threads.proxyThreads();
        try (Echo echo = new Echo()) {
            ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(SHUTDOWN).route(0, echo.address()).name("r").start();
            int port = proxy.route("r").localPort();
            try (Socket held = connect(port)) {
                await().until(() -> proxy.metrics().activeConnections() == 1);
                CompletableFuture<Void> first = Async.runAsync(proxy::close);
                await().until(() -> refuses(port));   // the first close() is now waiting for the live connection
                long started = System.nanoTime();
                proxy.close();
                long millis = (System.nanoTime() - started) / 1_000_000;
                Set<String> left = Threads.newSince(baseline);
                System.out.printf("[close] second close() returned after %d ms; proxy threads still alive: %s%n",
                        millis, left);
                first.get(5, TimeUnit.SECONDS);
                assertThat(left).as("threads alive when the second close() returned").isEmpty();
            }
        }
    }

    /** A listener closed the proxy; the test's own close() (try-with-resources) then returns at once. */
    @Test
    void closeAfterAListenersCloseReturnsOnlyWhenTheProxyIsClosed() throws Exception {
        Set<String> baseline = Threads.proxyThreads();
        AtomicReference<ChaosProxy> self = new AtomicReference<>();
        try (Echo echo = new Echo()) {
            ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(SHUTDOWN).listener(event -> {
                if (event instanceof ChaosEvent.ConnectionOpened) {
                    self.get().close();
                }
            }).route(0, echo.address()).name("r").start();
            self.set(proxy);
            int port = proxy.route("r").localPort();
            try (Socket held = connect(port)) {
                await().until(() -> refuses(port));
                long started = System.nanoTime();
                proxy.close();
                long millis = (System.nanoTime() - started) / 1_000_000;
                Set<String> left = Threads.newSince(baseline);
                System.out.printf("[close] close() after a listener's close() returned after %d ms; alive: %s%n",
                        millis, left);
                await().atMost(Duration.ofSeconds(5)).until(() -> Threads.newSince(baseline).isEmpty());
                assertThat(left).as("threads alive when the test's close() returned").isEmpty();
            }
        }
    }

    /**
     * Two proxies; each one's listener closes both; a thread closes both too, all at once. Nothing throws, and
     * within the shutdown timeout every port refuses and every thread has ended.
     */
    @Test
    void closersFromTwoListenersAndAThreadAtOnce() throws Exception {
        for (int round = 0; round < 10; round++) {
            Set<String> baseline = Threads.proxyThreads();
            List<Throwable> thrown = new CopyOnWriteArrayList<>();
            AtomicReference<ChaosProxy> p = new AtomicReference<>();
            AtomicReference<ChaosProxy> q = new AtomicReference<>();
            CyclicBarrier go = new CyclicBarrier(3);
            try (Echo echo = new Echo()) {
                java.util.function.Consumer<ChaosEvent> closeBoth = event -> {
                    if (event instanceof ChaosEvent.ConnectionOpened) {
                        try {
                            go.await(5, TimeUnit.SECONDS);
                            q.get().close();
                            p.get().close();
                        } catch (Throwable t) {
                            thrown.add(t);
                        }
                    }
                };
                p.set(ChaosProxy.builder().shutdownTimeout(Duration.ofMillis(300)).listener(closeBoth::accept)
                        .route(0, echo.address()).name("p").start());
                q.set(ChaosProxy.builder().shutdownTimeout(Duration.ofMillis(300)).listener(closeBoth::accept)
                        .route(0, echo.address()).name("q").start());
                int pPort = p.get().route("p").localPort();
                int qPort = q.get().route("q").localPort();
                CompletableFuture<Void> closer = Async.runAsync(() -> {
                    try {
                        go.await(5, TimeUnit.SECONDS);
                        p.get().close();
                        q.get().close();
                    } catch (Throwable t) {
                        thrown.add(t);
                    }
                });
                try (Socket a = connect(pPort); Socket b = connect(qPort)) {
                    closer.get(10, TimeUnit.SECONDS);
                    assertThat(refuses(pPort) && refuses(qPort)).as("ports refuse once a thread's close() returned")
                            .isTrue();
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> Threads.newSince(baseline).isEmpty());
                assertThat(thrown).isEmpty();
            }
        }
    }

    /** removeRoute, enable and addRoute racing close(): only documented exceptions, and nothing left behind. */
    @Test
    void controlCallsRacingClose() throws Exception {
        List<String> surprises = new CopyOnWriteArrayList<>();
        for (int round = 0; round < 20; round++) {
            Set<String> baseline = Threads.proxyThreads();
            try (Echo echo = new Echo()) {
                ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(Duration.ofMillis(200))
                        .route(0, echo.address()).name("a").route(0, echo.address()).name("b").enabled(false).start();
                int aPort = proxy.route("a").localPort();
                int bPort = proxy.route("b").localPort();
                try (Socket held = connect(aPort)) {
                    await().until(() -> proxy.metrics().activeConnections() == 1);
                    CyclicBarrier go = new CyclicBarrier(4);
                    List<Integer> added = new CopyOnWriteArrayList<>();
                    Runnable[] calls = {
                        () -> proxy.removeRoute("a"),
                        () -> proxy.route("b").enable(),
                        () -> added.add(proxy.addRoute(0, echo.address()).localPort()),
                        proxy::close,
                    };
                    List<CompletableFuture<Void>> running = new java.util.ArrayList<>();
                    for (Runnable call : calls) {
                        running.add(Async.runAsync(() -> {
                            try {
                                go.await(5, TimeUnit.SECONDS);
                                call.run();
                            } catch (IllegalStateException e) {
                                if (!e.getMessage().contains("closed")) {
                                    surprises.add(e.toString());
                                }
                            } catch (Throwable t) {
                                surprises.add(t.toString());
                            }
                        }));
                    }
                    for (CompletableFuture<Void> call : running) {
                        call.get(10, TimeUnit.SECONDS);
                    }
                    proxy.close();
                    assertThat(refuses(aPort)).isTrue();
                    assertThat(refuses(bPort)).isTrue();
                    for (int port : added) {
                        assertThat(refuses(port)).as("a route added during close()").isTrue();
                    }
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> Threads.newSince(baseline).isEmpty());
            }
        }
        System.out.printf("[close] unexpected exceptions from calls racing close(): %s%n", surprises);
        assertThat(surprises).isEmpty();
    }
}
