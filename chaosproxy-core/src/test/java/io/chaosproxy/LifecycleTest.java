package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LifecycleTest {

    @Test
    void proxyHoldsNoConnectionOnceBothSidesClose() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start()) {
            for (int i = 0; i < 20; i++) {
                try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                    client.getOutputStream().write(i);
                    client.shutdownOutput();
                    assertThat(client.getInputStream().readAllBytes()).containsExactly(i);
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(proxy.metrics().acceptedConnections()).isEqualTo(20);
            assertThat(proxy.metrics().bufferedBytes()).isZero();
        }
    }

    @Test
    void closeLeavesNoThreadAndFreesEveryPort() throws Exception {
        List<Integer> ports;
        try (TcpServer upstream = TcpServer.echo()) {
            ChaosProxy proxy = ChaosProxy.builder()
                    .route(0, upstream.address()).route(0, upstream.address()).route(0, upstream.address())
                    .start();
            ports = proxy.routes().stream().map(Route::localPort).toList();
            Socket idle = Sockets.connect(ports.get(0));   // a live connection the close has to cut
            try (idle) {
                await().until(() -> proxy.metrics().activeConnections() == 1);
                assertThat(Sockets.proxyThreads()).isNotEmpty();
                proxy.close();
            }
            assertThat(Sockets.proxyThreads()).isEmpty();
            assertThat(ports).allSatisfy(port -> assertThat(Sockets.canBind(port)).as("port %d", port).isTrue());
        }
    }

    @Test
    void closeTwiceIsHarmlessAndToStringShowsTheState() throws Exception {
        try (TcpServer upstream = TcpServer.echo()) {
            ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address()).name("db").start();
            assertThat(proxy).hasToString("ChaosProxy{routes=[db], seed=42}");
            assertThat(proxy.seed()).isEqualTo(42);
            proxy.close();
            proxy.close();
            assertThat(proxy).hasToString("ChaosProxy{closed}");
        }
    }

    @Test
    void transferInFlightWhenCloseIsCalledCompletes() throws Exception {
        long size = 32L << 20;
        try (TcpServer upstream = TcpServer.start(socket -> {
                    OutputStream out = socket.getOutputStream();
                    byte[] block = new byte[64 * 1024];
                    java.util.Arrays.fill(block, (byte) 'x');
                    for (long sent = 0; sent < size; sent += block.length) {
                        out.write(block);
                    }
                })) {
            ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(Duration.ofSeconds(30))
                    .route(0, upstream.address()).start();
            CompletableFuture<Void> closing;
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                byte[] first = client.getInputStream().readNBytes(1024 * 1024);   // the transfer is under way
                assertThat(first).hasSize(1024 * 1024);
                closing = Async.runAsync(proxy::close);
                long rest = client.getInputStream().transferTo(OutputStream.nullOutputStream());
                assertThat(first.length + rest).isEqualTo(size);
            }
            closing.get(30, TimeUnit.SECONDS);   // the client is gone: its connection ends, so does the drain
            assertThat(Sockets.proxyThreads()).isEmpty();
        }
    }

    @Test
    void closeStopsAcceptingAtOnceWhileConnectionsDrain() throws Exception {
        try (TcpServer upstream = TcpServer.echo()) {
            ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(Duration.ofSeconds(30))
                    .route(0, upstream.address()).start();
            int port = proxy.routes().get(0).localPort();
            try (Socket live = Sockets.connect(port)) {
                await().until(() -> proxy.metrics().activeConnections() == 1);
                CompletableFuture<Void> closing = Async.runAsync(proxy::close);
                await().atMost(Duration.ofSeconds(5)).until(() -> Sockets.canBind(port));
                assertThat(closing).isNotDone();   // still waiting for the live connection
                live.getOutputStream().write("bye".getBytes(StandardCharsets.UTF_8));
                live.shutdownOutput();
                assertThat(Sockets.readAll(live)).isEqualTo("bye");
                closing.get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void startsCleanlyWhileClientsAreAlreadyConnectingToItsPort() throws Exception {
        // A pool retrying against a restarted proxy: connects queue up on the port while start() binds it.
        int port = Sockets.freePort();
        java.util.concurrent.atomic.AtomicBoolean knocking = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread knocker = new Thread(() -> {
            while (running.get()) {
                if (!knocking.get()) {
                    Thread.onSpinWait();
                    continue;
                }
                try (Socket s = new Socket()) {
                    s.connect(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 100);
                } catch (java.io.IOException refusedUntilTheProxyIsUp) {
                    // keep knocking
                }
            }
        }, "knocker");
        knocker.start();
        try (TcpServer upstream = TcpServer.echo()) {
            for (int attempt = 0; attempt < 30; attempt++) {
                knocking.set(true);   // only while the proxy starts, so the upstream does not drown in sockets
                try (ChaosProxy proxy = ChaosProxy.builder().eventLoops(1).shutdownTimeout(Duration.ZERO)
                        .route(port, upstream.address()).start()) {
                    knocking.set(false);
                    try (Socket client = Sockets.connect(port)) {
                        client.getOutputStream().write("hi".getBytes(StandardCharsets.UTF_8));
                        client.shutdownOutput();
                        assertThat(Sockets.readAll(client)).as("attempt %d", attempt).isEqualTo("hi");
                    }
                }
                assertThat(Sockets.proxyThreads()).as("attempt %d", attempt).isEmpty();
            }
        } finally {
            running.set(false);
            knocker.join(5000);
        }
    }
}
