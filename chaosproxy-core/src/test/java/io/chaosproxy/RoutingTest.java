package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.Socket;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoutingTest {

    @Test
    void eachPortReachesItsOwnUpstream() throws Exception {
        int askedPort = Sockets.freePort();
        try (TcpServer alpha = TcpServer.identity("alpha");
                TcpServer beta = TcpServer.identity("beta");
                TcpServer gamma = TcpServer.identity("gamma");
                ChaosProxy proxy = ChaosProxy.builder()
                        .route(askedPort, alpha.address()).name("alpha")
                        .route(0, beta.address()).name("beta")
                        .route(0, "localhost:" + gamma.port()).name("gamma")
                        .start()) {
            assertThat(proxy.route("alpha").localPort()).isEqualTo(askedPort);
            assertThat(proxy.route("beta").localPort()).isPositive().isNotEqualTo(askedPort);
            assertThat(proxy.route("gamma").localPort()).isPositive()
                    .isNotIn(askedPort, proxy.route("beta").localPort());
            for (String name : new String[] {"alpha", "beta", "gamma", "beta", "alpha"}) {
                try (Socket client = Sockets.connect(proxy.route(name))) {
                    assertThat(Sockets.readAll(client)).isEqualTo(name);
                }
            }
        }
    }

    @Test
    void routesKeepDeclarationOrderAndDefaultNames() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder()
                        .route(0, upstream.address())
                        .route(0, upstream.address()).name("named")
                        .route(0, upstream.address())
                        .start()) {
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("route-0", "named", "route-2");
            assertThat(proxy.routes()).allSatisfy(route -> {
                assertThat(route.upstream()).isEqualTo(upstream.address());
                assertThat(route.localAddress().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());
                assertThat(route.localAddress().getPort()).isEqualTo(route.localPort());
            });
        }
    }

    @Test
    void unknownRouteNameListsTheNamesThereAre() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db").start()) {
            assertThatThrownBy(() -> proxy.route("dbb"))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("'dbb'").hasMessageContaining("[db]");
        }
    }

    @Test
    void ipv6UpstreamAndListenerCarryTheConnection() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        org.junit.jupiter.api.Assumptions.assumeTrue(canBind(v6), "this machine has no IPv6 loopback");
        // The upstream listens on ::1 only, so an IPv4 path could not reach it.
        try (TcpServer upstream = TcpServer.identityOn(v6, "v6");
                ChaosProxy proxy = ChaosProxy.builder().bindAddress("::1")
                        .route(0, "[::1]:" + upstream.port()).start();
                Socket client = new Socket(v6, proxy.routes().get(0).localPort())) {
            assertThat(proxy.routes().get(0).localAddress().getAddress()).isEqualTo(v6);
            assertThat(Sockets.readAll(client)).isEqualTo("v6");
        }
    }

    private static boolean canBind(InetAddress address) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, address)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
