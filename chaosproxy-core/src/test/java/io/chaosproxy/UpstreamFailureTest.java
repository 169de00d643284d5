package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.net.SocketException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamFailureTest {

    @Test
    void refusingUpstreamClosesTheClientPromptlyAndTheProxyGoesOn() throws Exception {
        int closedPort = Sockets.freePort();   // nothing listens there
        try (TcpServer working = TcpServer.identity("ok");
                ChaosProxy proxy = ChaosProxy.builder()
                        .route(0, "127.0.0.1:" + closedPort).name("down")
                        .route(0, working.address()).name("up")
                        .start()) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                try (Socket client = Sockets.connect(proxy.route("down"))) {
                    assertThat(endsWithoutData(client)).isTrue();
                }
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
            }
            try (Socket client = Sockets.connect(proxy.route("up"))) {
                assertThat(Sockets.readAll(client)).isEqualTo("ok");
            }
            await().until(() -> proxy.route("down").metrics().activeConnections() == 0);
        }
    }

    @Test
    void aRouteResolvingOnConnectStartsWithAnUnknownHostAndClosesItsConnectionsAsUnresolved() throws Exception {
        List<ChaosEvent.UpstreamError> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        ChaosProxy proxy = ChaosProxy.builder()
                .listener(event -> {
                    if (event instanceof ChaosEvent.UpstreamError error) {
                        errors.add(error);
                    }
                })
                .route(0, "no-such-host.invalid:5432").name("later").resolveUpstreamOnConnect(true)
                .start();
        try (TcpServer upstream = TcpServer.echo()) {
            Route later = proxy.route("later");
            assertThat(later.upstream()).isEqualTo("no-such-host.invalid:5432");
            try (Socket client = Sockets.connect(later)) {
                assertThat(endsWithoutData(client)).isTrue();
            }
            await().until(() -> errors.size() == 1);
            assertThat(errors.get(0).kind()).isEqualTo("unresolved");
            assertThat(errors.get(0).message()).contains("unknown host no-such-host.invalid");
            assertThat(later.metrics().upstreamFailures()).containsEntry("unresolved", 1L);

            // A name that does resolve is looked up for each connection, off the event loop.
            proxy.addRoute(0, "localhost:" + upstream.port(), r -> r.name("named").resolveUpstreamOnConnect(true));
            try (Socket client = Sockets.connect(proxy.route("named"))) {
                client.getOutputStream().write("resolved".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                client.shutdownOutput();
                assertThat(Sockets.readAll(client)).isEqualTo("resolved");
            }
        } finally {
            proxy.close();
        }
        assertThat(Sockets.proxyThreads()).isEmpty();
    }

    @Test
    void clientResetReachesTheUpstreamAsAReset() throws Exception {
        CompletableFuture<Throwable> upstreamSaw = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    socket.getOutputStream().write('!');
                    try {
                        socket.getInputStream().readAllBytes();
                        upstreamSaw.complete(null);
                    } catch (IOException e) {
                        upstreamSaw.complete(e);
                    }
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start()) {
            Socket client = Sockets.connect(proxy.routes().get(0));
            assertThat(client.getInputStream().read()).isEqualTo('!');
            client.setSoLinger(true, 0);
            client.close();   // an RST, not a FIN
            assertThat(upstreamSaw.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
            await().until(() -> proxy.metrics().activeConnections() == 0);
        }
    }

    @Test
    void upstreamResetReachesTheClientAsAReset() throws Exception {
        try (TcpServer upstream = TcpServer.start(socket -> {
                    socket.getInputStream().read();
                    socket.setSoLinger(true, 0);
                    socket.close();
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            client.getOutputStream().write(1);
            assertThatThrownBy(() -> client.getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void unansweredConnectTimesOut() throws Exception {
        // A listener that never accepts, its backlog full: the kernel drops further SYNs unanswered.
        List<SocketChannel> fillers = new ArrayList<>();
        try (ServerSocket stuck = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 8; i++) {
                SocketChannel filler = SocketChannel.open();
                filler.configureBlocking(false);
                filler.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), stuck.getLocalPort()));
                fillers.add(filler);
            }
            try (ChaosProxy proxy = ChaosProxy.builder().connectTimeout(Duration.ofMillis(300))
                    .route(0, "127.0.0.1:" + stuck.getLocalPort()).start();
                    Socket client = Sockets.connect(proxy.routes().get(0))) {
                long start = System.nanoTime();
                assertThat(endsWithoutData(client)).isTrue();
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(250L, 5000L);
            }
        } finally {
            for (SocketChannel filler : fillers) {
                filler.close();
            }
        }
    }

    private static boolean endsWithoutData(Socket client) {
        try {
            return client.getInputStream().read() == -1;
        } catch (IOException e) {
            return true;
        }
    }
}
