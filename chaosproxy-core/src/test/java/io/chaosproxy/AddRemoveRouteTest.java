package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Routes come and go while the proxy runs, the other routes undisturbed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AddRemoveRouteTest {

    @Test
    void addedRouteServesAndTheOthersKeepTheirConnections() throws Exception {
        try (TcpServer echo = TcpServer.echo();
                TcpServer redis = TcpServer.identity("redis");
                ChaosProxy proxy = ChaosProxy.builder().route(0, echo.address()).name("echo").start();
                Socket live = Sockets.connect(proxy.route("echo"))) {
            assertEchoes(live, 1);
            Route added = proxy.addRoute(0, redis.address(), r -> r.name("redis").latency(Duration.ofMillis(100)));
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("echo", "redis");
            long start = System.nanoTime();
            try (Socket client = Sockets.connect(added)) {
                assertThat(Sockets.readAll(client)).isEqualTo("redis");
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(100);
            assertEchoes(live, 2);
        }
    }

    @Test
    void addedRouteOfSeveralUpstreamsSpreadsItsConnections() throws Exception {
        try (TcpServer a = TcpServer.identity("a"); TcpServer b = TcpServer.identity("b");
                ChaosProxy proxy = ChaosProxy.builder().allowNoRoutes().start()) {
            proxy.checkRoute("app", 0, List.of(a.address(), b.address()));
            Route app = proxy.addRoute(0, List.of(a.address(), b.address()), r -> r.name("app"));
            assertThat(app.upstreams()).extracting(Upstream::address).containsExactly(a.address(), b.address());
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                try (Socket client = Sockets.connect(app)) {
                    answers.add(Sockets.readAll(client));
                }
            }
            assertThat(answers).containsExactly("a", "b", "a", "b");
            assertThatThrownBy(() -> proxy.addRoute(0, List.of(), r -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("upstreams is empty");
        }
    }

    @Test
    void removedRouteFreesItsPortAndCutsItsConnectionsOnly() throws Exception {
        try (TcpServer echo = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder()
                        .route(0, echo.address()).name("keep")
                        .route(0, echo.address()).name("gone")
                        .start();
                Socket kept = Sockets.connect(proxy.route("keep"));
                Socket cut = Sockets.connect(proxy.route("gone"))) {
            int port = proxy.route("gone").localPort();
            assertEchoes(cut, 1);
            proxy.removeRoute("gone");
            assertThat(Sockets.canBind(port)).isTrue();
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("keep");
            assertThat(endsWithoutData(cut)).isTrue();
            assertEchoes(kept, 3);
            await().until(() -> proxy.metrics().activeConnections() == 1);
            assertThatThrownBy(() -> proxy.removeRoute("gone")).isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("'gone'");
        }
    }

    @Test
    void addedRouteMustHaveAFreshNameAndPort() throws Exception {
        try (TcpServer echo = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, echo.address()).name("db").start()) {
            assertThatThrownBy(() -> proxy.addRoute(0, echo.address(), r -> r.name("db")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("route 'db': name is used");
            int taken = proxy.route("db").localPort();
            assertThatThrownBy(() -> proxy.addRoute(taken, echo.address()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("localPort " + taken + " is used by route 'db'");
            assertThatThrownBy(() -> proxy.addRoute(0, echo.address(), r -> r.start()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("running proxy");
            assertThat(proxy.addRoute(0, echo.address()).name()).isEqualTo("route-1");
        }
    }

    @Test
    void addingToAClosedProxyFails() throws Exception {
        try (TcpServer echo = TcpServer.echo()) {
            ChaosProxy proxy = ChaosProxy.builder().route(0, echo.address()).start();
            proxy.close();
            assertThatThrownBy(() -> proxy.addRoute(0, echo.address()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        }
    }

    private static void assertEchoes(Socket socket, int value) throws IOException {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        out.write(value);
        assertThat(in.read()).isEqualTo(value);
    }

    private static boolean endsWithoutData(Socket socket) {
        try {
            return socket.getInputStream().read() == -1;
        } catch (IOException e) {
            return true;
        }
    }
}
