package io.chaosproxy;

import static io.chaosproxy.RuntimeFaultsTest.roundTripMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RouteControlTest {

    @Test
    void disableRefusesNewConnectionsAndCutsLiveOnesThenEnableServesOnTheSamePort() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start()) {
            Route route = proxy.routes().get(0);
            int port = route.localPort();
            try (Socket live = Sockets.connect(route)) {
                assertThat(roundTripMillis(live, 1)).isLessThan(2000);
                route.disable();
                assertThat(route.isEnabled()).isFalse();
                assertThat(endsWithoutData(live)).isTrue();
            }
            assertThatThrownBy(() -> Sockets.connect(port).close()).isInstanceOf(ConnectException.class);
            await().until(() -> route.connections().isEmpty());

            route.enable();
            assertThat(route.isEnabled()).isTrue();
            assertThat(route.localPort()).isEqualTo(port);
            try (Socket again = Sockets.connect(port)) {
                assertThat(roundTripMillis(again, 2)).isLessThan(2000);
            }
        }
    }

    @Test
    void connectionsListsLiveConnectionsWithTheirIdsAddressesAndByteCounts() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("web").start();
                Socket first = Sockets.connect(proxy.route("web"));
                Socket second = Sockets.connect(proxy.route("web"))) {
            Route route = proxy.route("web");
            exchange(first, "hello");
            exchange(second, "hi");
            await().until(() -> route.connections().size() == 2
                    && route.connections().get(1).bytesDownstream() == 2
                    && route.connections().get(0).bytesDownstream() == 5);
            List<ChaosConnection> connections = route.connections();
            ChaosConnection a = connections.get(0);
            ChaosConnection b = connections.get(1);
            assertThat(a.id()).isEqualTo(1);
            assertThat(b.id()).isEqualTo(2);
            assertThat(a.route()).isEqualTo("web");
            assertThat(a.clientAddress()).isEqualTo(first.getLocalSocketAddress());
            assertThat(b.clientAddress()).isEqualTo(second.getLocalSocketAddress());
            assertThat(a.upstreamAddress()).isEqualTo(upstream.socketAddress());
            assertThat(a.bytesUpstream()).isEqualTo(5);
            assertThat(b.bytesUpstream()).isEqualTo(2);
            assertThat(a.isOpen()).isTrue();
            assertThat(route.metrics().activeConnections()).isEqualTo(2);
        }
    }

    @Test
    void closeConnectionsEndsEveryLiveConnectionAndTheRouteGoesOnAccepting() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
                Socket first = Sockets.connect(proxy.routes().get(0));
                Socket second = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            await().until(() -> route.connections().size() == 2);
            List<ChaosConnection> before = route.connections();
            route.closeConnections();
            // a cut: neither stream was ended by the upstream, so each ends in a reset, not a clean end of stream
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> first.getInputStream().read())
                    .isInstanceOf(java.net.SocketException.class);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> second.getInputStream().read())
                    .isInstanceOf(java.net.SocketException.class);
            await().until(() -> route.connections().isEmpty());
            assertThat(before).noneMatch(ChaosConnection::isOpen);
            assertThat(route.isEnabled()).isTrue();
            try (Socket third = Sockets.connect(route)) {
                assertThat(roundTripMillis(third, 3)).isLessThan(2000);
            }
        }
    }

    @Test
    void aConnectionCannotRemoveItsRoutesFault() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db")
                        .fault(Fault.latency(Duration.ofMillis(1)).named("shared")).start();
                Socket client = Sockets.connect(proxy.route("db"))) {
            Route route = proxy.route("db");
            await().until(() -> route.connections().size() == 1
                    && route.connections().get(0).faults().size() == 1);
            assertThatThrownBy(() -> route.connections().get(0).removeFault("shared"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'shared' is a fault of route 'db'")
                    .hasMessageContaining("route.removeFault");
            assertThat(route.faults()).extracting(Fault::name).containsExactly("shared");
        }
    }

    @Test
    void aFaultAddedToOneConnectionLeavesTheOtherAlone() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
                Socket slow = Sockets.connect(proxy.routes().get(0));
                Socket fast = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            await().until(() -> route.connections().size() == 2);
            ChaosConnection slowOne = connectionOf(route, slow);
            ChaosConnection fastOne = connectionOf(route, fast);
            slowOne.addFault(Fault.latency(Duration.ofMillis(300)).named("mine"));
            await().until(() -> slowOne.faults().size() == 1);
            assertThat(slowOne.faults()).extracting(Fault::name).containsExactly("mine");
            assertThat(fastOne.faults()).isEmpty();
            assertThat(route.faults()).isEmpty();
            assertThat(roundTripMillis(slow, 4)).isBetween(300L, 1000L);
            assertThat(roundTripMillis(fast, 5)).isLessThan(250);

            assertThatThrownBy(() -> slowOne.addFault(Fault.corrupt(0.0).named("mine")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mine");
            assertThatThrownBy(() -> fastOne.removeFault("mine"))
                    .isInstanceOf(NoSuchElementException.class).hasMessageContaining("mine");

            slowOne.removeFault("mine");
            await().until(() -> slowOne.faults().isEmpty());
            assertThat(roundTripMillis(slow, 6)).isLessThan(250);
        }
    }

    @Test
    void updatingAConnectionsOwnFaultReplacesItInPlaceAndWhatTheOldOneHeldPassesThrough() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db")
                        .fault(Fault.slowClose(Duration.ofMillis(1)).named("shared")).start();
                Socket client = Sockets.connect(proxy.route("db"))) {
            Route route = proxy.route("db");
            await().until(() -> route.connections().size() == 1);
            ChaosConnection connection = route.connections().get(0);
            connection.addFault(Fault.latency(Duration.ofSeconds(30)).named("mine"));
            connection.addFault(Fault.corrupt(0.0).toxicity(0.0).named("never"));
            assertThat(connection.faults()).extracting(Fault::name).containsExactly("shared", "mine");
            assertThat(connection.ownFaults()).extracting(Fault::name).containsExactly("mine", "never");

            client.getOutputStream().write(9);
            await().until(() -> route.metrics().faultsInjected().getOrDefault("latency", 0L) == 1L);   // held
            long start = System.nanoTime();
            Fault shorter = Fault.latency(Duration.ofMillis(100)).named("mine");
            connection.updateFault(shorter);
            assertThat(client.getInputStream().read()).isEqualTo(9);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(50L, 5000L);
            assertThat(connection.faults()).containsExactly(route.faults().get(0), shorter);
            assertThat(connection.ownFaults()).extracting(Fault::name).containsExactly("mine", "never");
            assertThat(roundTripMillis(client, 10)).isBetween(100L, 1000L);

            assertThatThrownBy(() -> connection.updateFault(Fault.slowClose(Duration.ofMillis(9)).named("shared")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'shared' is a fault of route 'db'")
                    .hasMessageContaining("route.updateFault");
            assertThatThrownBy(() -> connection.updateFault(Fault.latency(Duration.ofMillis(1)).named("zz")))
                    .isInstanceOf(NoSuchElementException.class).hasMessageContaining("zz");
            assertThat(route.faults()).containsExactly(Fault.slowClose(Duration.ofMillis(1)).named("shared"));
        }
    }

    @Test
    void resettingOneConnectionAbortsItAloneWithAnRst() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
                Socket doomed = Sockets.connect(proxy.routes().get(0));
                Socket other = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            await().until(() -> route.connections().size() == 2);
            connectionOf(route, doomed).reset();
            assertThatThrownBy(() -> doomed.getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            assertThat(roundTripMillis(other, 7)).isLessThan(2000);
            await().until(() -> route.connections().size() == 1);
        }
    }

    private static ChaosConnection connectionOf(Route route, Socket client) {
        return route.connections().stream()
                .filter(c -> c.clientAddress().equals(client.getLocalSocketAddress()))
                .findFirst().orElseThrow();
    }

    private static void exchange(Socket client, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        client.getOutputStream().write(bytes);
        assertThat(client.getInputStream().readNBytes(bytes.length)).isEqualTo(bytes);
    }

    private static boolean endsWithoutData(Socket client) {
        try {
            return client.getInputStream().read() == -1;
        } catch (IOException e) {
            return true;
        }
    }
}
