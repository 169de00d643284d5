package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The waits a test uses instead of sleeping: they return once the route got there, and say why when it did not. */
@Timeout(30)
class RouteWaitsTest {

    @Test
    void awaitConnectionsReturnsOnceAnotherThreadsClientsAreAccepted() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db").start()) {
            Route db = proxy.route("db");
            List<Socket> clients = new ArrayList<>();
            Thread connector = new Thread(() -> {
                try {
                    for (int i = 0; i < 3; i++) {
                        synchronized (clients) {
                            clients.add(Sockets.connect(db.localPort()));
                        }
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            connector.start();

            db.awaitConnections(3, Duration.ofSeconds(10));

            assertThat(db.metrics().acceptedConnections()).isGreaterThanOrEqualTo(3);
            connector.join();
            synchronized (clients) {
                for (Socket client : clients) {
                    client.close();
                }
            }
            db.awaitIdle(Duration.ofSeconds(10));
            assertThat(db.connections()).isEmpty();
            assertThat(db.metrics().activeConnections()).isZero();
        }
    }

    @Test
    void aWaitThatRunsOutSaysWhatItReached() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db").start();
                Socket client = Sockets.connect(proxy.route("db").localPort())) {
            Route db = proxy.route("db");
            db.awaitConnections(1, Duration.ofSeconds(10));

            long start = System.nanoTime();
            assertThatThrownBy(() -> db.awaitConnections(2, Duration.ofMillis(200)))
                    .isInstanceOf(AwaitTimeoutException.class)
                    .hasMessageStartingWith("route 'db': 1 of 2 connections accepted within ");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(200);
            assertThatThrownBy(() -> db.awaitIdle(Duration.ofMillis(50)))
                    .isInstanceOf(AwaitTimeoutException.class)
                    .hasMessageContaining("route 'db': 1 connections still open after");
            assertThatThrownBy(() -> db.awaitInjected("reset_peer", 1, Duration.ZERO))
                    .isInstanceOf(AwaitTimeoutException.class).hasMessageContaining("reset_peer injected 0 of 1");
            assertThatThrownBy(() -> db.awaitConnections(1, Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void awaitInjectedAndAwaitMetricsFollowTheCounts() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db")
                        .resetPeer(Duration.ZERO).start()) {
            Route db = proxy.route("db");
            try (Socket client = Sockets.connect(db.localPort())) {
                db.awaitInjected("reset_peer", 1, Duration.ofSeconds(10));
            }
            db.awaitMetrics(m -> m.acceptedConnections() == 1 && m.activeConnections() == 0, Duration.ofSeconds(10));
        }
    }

    @Test
    void aListenerMayNotWaitOnAnEventLoop() throws Exception {
        // A listener that waited would hold the loop that must serve the very traffic it waits for.
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        java.util.concurrent.atomic.AtomicReference<Route> route = new java.util.concurrent.atomic.AtomicReference<>();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder()
                        .listener(event -> {
                            if (event instanceof ChaosEvent.ConnectionOpened) {
                                try {
                                    route.get().awaitConnections(2, Duration.ofSeconds(5));
                                    seen.complete(null);
                                } catch (RuntimeException e) {
                                    seen.complete(e);
                                }
                            }
                        })
                        .route(0, upstream.address()).name("db").start()) {
            route.set(proxy.route("db"));
            try (Socket client = Sockets.connect(route.get().localPort())) {
                assertThat(seen.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("event loop");
            }
        }
    }

    @Test
    void aTimeoutBeyondWhatNanosecondsHoldIsAWaitWithoutEnd() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db").start();
                Socket client = Sockets.connect(proxy.route("db").localPort())) {
            Route db = proxy.route("db");

            db.awaitConnections(1, Duration.ofSeconds(Long.MAX_VALUE));   // Duration.toNanos() would overflow
            db.awaitConnections(1, java.time.temporal.ChronoUnit.FOREVER.getDuration());
            db.awaitMetrics(m -> m.acceptedConnections() == 1, Duration.ofDays(1_000_000));
        }
    }

    @Test
    void aWaitEndsWhenTheProxyClosesOrTheRouteIsRemovedInsteadOfRunningOutItsTimeout() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db")
                        .route(0, upstream.address()).name("api").start()) {
            Route db = proxy.route("db");
            Route api = proxy.route("api");
            Socket client = Sockets.connect(db.localPort());
            db.awaitConnections(1, Duration.ofSeconds(10));
            CompletableFuture<Route> removedWait = Async.supplyAsync(
                    () -> api.awaitInjected("latency", 1, Duration.ofMinutes(10)));
            CompletableFuture<Route> closedWait = Async.supplyAsync(
                    () -> db.awaitConnections(2, Duration.ofMinutes(10)));

            proxy.removeRoute("api");
            assertThatThrownBy(() -> removedWait.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("route 'api' was removed or its proxy closed while waiting: latency injected 0 of 1"
                            + " times; nothing more will come");
            proxy.close();
            client.close();
            assertThatThrownBy(() -> closedWait.get(10, TimeUnit.SECONDS)).cause()
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("route 'db' was removed or its proxy closed while waiting: 1 of 2 connections"
                            + " accepted; nothing more will come");
            db.awaitIdle(Duration.ofMinutes(10));   // what a closed proxy is: returns at once
            assertThat(db.awaitConnections(1, Duration.ofMinutes(10))).isSameAs(db);   // reached: no error
        }
    }

    @Test
    void anInterruptEndsAWaitAndKeepsTheFlag() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db").start()) {
            Route db = proxy.route("db");
            CompletableFuture<Boolean> flagKept = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try {
                    db.awaitConnections(1, Duration.ofMinutes(10));
                } catch (IllegalStateException e) {
                    flagKept.complete(Thread.currentThread().isInterrupted() && e.getMessage().contains("interrupt"));
                }
            });
            waiter.start();
            waiter.interrupt();

            assertThat(flagKept.get(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
