package io.chaosproxy.attack11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import io.chaosproxy.TcpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Limits and ports of a pool's route: counted where the upstream sees them, in the first second, on every port. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LimitsAttackTest {

    @Test
    void maxConnectionsHoldsAtTheUpstreamWhileConnectionsCloseAndOpenConcurrently() throws Exception {
        int limit = 10;
        int clients = 400;
        AtomicInteger open = new AtomicInteger();
        AtomicInteger mostOpen = new AtomicInteger();
        // The upstream counts a connection open from its accept until just before its FIN: the proxy can only
        // count the connection closed once that FIN reached it, so the upstream's count may never pass the limit.
        try (TcpServer upstream = TcpServer.start(socket -> {
                    mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                    InputStream in = socket.getInputStream();
                    int first = in.read();
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                    pause(20);   // the upstream's own pace: each connection keeps its place a while
                    socket.getOutputStream().write(first);
                    open.decrementAndGet();
                    socket.shutdownOutput();
                });
                ChaosProxy proxy = ChaosProxy.builder().eventLoops(2).route(0, upstream.address()).name("app")
                        .maxConnections(limit).start()) {
            Route app = proxy.route("app");
            AtomicInteger served = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(48);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    futures.add(pool.submit(() -> {
                        try (Socket client = Sockets.connect(app.localPort())) {
                            client.getOutputStream().write(5);
                            client.shutdownOutput();
                            if (client.getInputStream().read() == 5) {
                                served.incrementAndGet();
                            } else {
                                refused.incrementAndGet();
                            }
                        } catch (IOException reset) {
                            refused.incrementAndGet();   // closed at once with our byte unread: an RST
                        }
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(served.get() + refused.get()).isEqualTo(clients);
            assertThat(served.get()).isPositive();
            assertThat(refused.get()).as("clients beyond the limit").isPositive();
            assertThat(mostOpen.get()).as("connections open at once, counted by the upstream").isBetween(1, limit);
            assertThat(app.metrics().connectionsRefusedByLimit()).isEqualTo(refused.get());
            assertThat(upstream.acceptedConnections()).isEqualTo(served.get());
            await().until(() -> app.metrics().activeConnections() == 0);
        }
    }

    @Test
    void theFirstSecondLetsOneSecondsWorthThroughAtOnceAndNoMore() throws Exception {
        int perSecond = 50;
        int clients = 150;
        try (TcpServer upstream = TcpServer.start(socket -> {
                    socket.getOutputStream().write('a');
                    socket.shutdownOutput();
                    socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("app")
                        .connectionRate(perSecond).start()) {
            Route app = proxy.route("app");
            AtomicInteger served = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long started;
            long ended;
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    futures.add(pool.submit(() -> {
                        go.await();
                        try (Socket client = Sockets.connect(app.localPort())) {
                            if (client.getInputStream().read() == 'a') {
                                served.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                started = System.nanoTime();
                go.countDown();
                for (Future<?> future : futures) {
                    future.get();
                }
                ended = System.nanoTime();
            } finally {
                pool.shutdownNow();
            }
            double seconds = (ended - started) / 1e9;
            assertThat(served.get()).as("served of a burst of %d within %.2f s", clients, seconds)
                    .isBetween(perSecond, perSecond + (int) Math.ceil(seconds * perSecond) + 1);
            assertThat(app.metrics().connectionsRefusedByLimit()).isEqualTo(clients - served.get());
        }
    }

    @Test
    void enableFailsCleanlyWhileAnotherProgramHoldsOneOfTheRoutesPortsAndWorksOnceItIsFree() throws Exception {
        try (TcpServer upstream = TcpServer.start(socket -> {
                    socket.getOutputStream().write('a');
                    socket.shutdownOutput();
                    socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("app").alsoListen(0, 0)
                        .start()) {
            Route app = proxy.route("app");
            List<Integer> ports = app.localPorts();
            for (int taken = 0; taken < ports.size(); taken++) {
                app.disable();
                int port = ports.get(taken);
                try (ServerSocket other = new ServerSocket()) {
                    other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                    assertThatThrownBy(app::enable).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining(Integer.toString(port));
                    assertThat(app.isEnabled()).isFalse();
                    for (int free : ports) {
                        if (free != port) {
                            assertThat(Ports.canBind(free)).as("port %d after the failed enable", free).isTrue();
                            assertThatThrownBy(() -> Sockets.connect(free).close())
                                    .isInstanceOf(ConnectException.class);
                        }
                    }
                }
                app.enable();
                assertThat(app.isEnabled()).isTrue();
                assertThat(app.localPorts()).isEqualTo(ports);
                for (int each : ports) {
                    try (Socket client = Sockets.connect(each)) {
                        assertThat(client.getInputStream().read()).isEqualTo('a');
                    }
                }
            }
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
