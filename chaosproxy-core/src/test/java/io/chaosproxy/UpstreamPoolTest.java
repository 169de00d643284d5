package io.chaosproxy;

import static io.chaosproxy.RuntimeFaultsTest.roundTripMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A route of several upstreams: balancing, failover, per-upstream faults and state, through real sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamPoolTest {

    @Test
    void withOneDeadAndTwoLiveTargetsNoClientSeesAFailure() throws Exception {
        String dead = "127.0.0.1:" + Sockets.freePort();
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (TcpServer a = TcpServer.identity("a"); TcpServer b = TcpServer.identity("b");
                ChaosProxy proxy = ChaosProxy.builder().listener(events::add)
                        .route(0, a.address(), dead, b.address()).name("app").start()) {
            Route app = proxy.route("app");
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                try (Socket client = Sockets.connect(app)) {
                    answers.add(Sockets.readAll(client));
                }
            }
            Map<String, Long> counts = answers.stream().collect(Collectors.groupingBy(Function.identity(),
                    Collectors.counting()));
            assertThat(counts.keySet()).containsExactlyInAnyOrder("a", "b");   // never "" (a closed client)
            assertThat(counts.get("a") + counts.get("b")).isEqualTo(30);
            // Round robin from a dead target fails over to the next: b gets the dead one's turns.
            assertThat(counts.get("a")).isEqualTo(10);
            assertThat(app.upstream(dead).connectFailures()).isEqualTo(10);
            assertThat(app.upstream(dead).connectionsTotal()).isZero();
            assertThat(app.upstream(a.address()).connectionsTotal()).isEqualTo(10);
            assertThat(app.upstream(b.address()).connectionsTotal()).isEqualTo(20);
            assertThat(events).filteredOn(ChaosEvent.UpstreamError.class::isInstance).hasSize(10);
            assertThat(events).noneMatch(ChaosEvent.NoUpstream.class::isInstance);
            assertThat(app.metrics().upstreamFailures()).containsEntry("refused", 10L);
            await().until(() -> app.upstreams().stream().allMatch(u -> u.activeConnections() == 0));
        }
    }

    @Test
    void roundRobinSpreads300ConnectionsEvenly() throws Exception {
        try (TcpServer a = TcpServer.identity("a"); TcpServer b = TcpServer.identity("b");
                TcpServer c = TcpServer.identity("c");
                ChaosProxy proxy = ChaosProxy.builder().route(0, a.address(), b.address(), c.address())
                        .balancing(Balancing.ROUND_ROBIN).start()) {
            Map<String, Long> counts = answers(proxy.routes().get(0), 300);
            assertThat(counts).hasSize(3);
            counts.values().forEach(count -> assertThat(count).isBetween(90L, 110L));
        }
    }

    @Test
    void randomBalancingIsReproducibleBySeed() throws Exception {
        try (TcpServer a = TcpServer.identity("a"); TcpServer b = TcpServer.identity("b");
                TcpServer c = TcpServer.identity("c")) {
            List<String> first = picks(42, a, b, c);
            List<String> again = picks(42, a, b, c);
            List<String> other = picks(43, a, b, c);
            assertThat(again).isEqualTo(first);
            assertThat(other).isNotEqualTo(first);
            assertThat(first).contains("a", "b", "c");
        }
    }

    private static List<String> picks(long seed, TcpServer a, TcpServer b, TcpServer c) throws Exception {
        try (ChaosProxy proxy = ChaosProxy.builder().seed(seed).route(0, a.address(), b.address(), c.address())
                .balancing(Balancing.RANDOM).start()) {
            List<String> picks = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                    picks.add(Sockets.readAll(client));
                }
            }
            return picks;
        }
    }

    @Test
    void leastConnectionsSendsTheNextClientToTheIdleTarget() throws Exception {
        try (TcpServer a = TcpServer.echo(); TcpServer b = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, a.address(), b.address())
                        .balancing(Balancing.LEAST_CONNECTIONS).start()) {
            Route route = proxy.routes().get(0);
            try (Socket first = Sockets.connect(route); Socket second = Sockets.connect(route)) {
                roundTripMillis(first, 1);
                roundTripMillis(second, 1);
                // One each; now the one on a ends, and a is the idle one.
                String firstUpstream = route.connections().get(0).upstream();
                assertThat(route.connections().get(1).upstream()).isNotEqualTo(firstUpstream);
                first.close();
                await().until(() -> route.upstream(firstUpstream).activeConnections() == 0);
                for (int i = 0; i < 3; i++) {
                    try (Socket next = Sockets.connect(route)) {
                        roundTripMillis(next, 2);
                        assertThat(route.connections()).last().extracting(ChaosConnection::upstream)
                                .isEqualTo(firstUpstream);
                    }
                    await().until(() -> route.upstream(firstUpstream).activeConnections() == 0);
                }
            }
        }
    }

    @Test
    void whenEveryTargetFailsTheClientIsClosedAfterEachWasTriedOnce() throws Exception {
        String dead1 = "127.0.0.1:" + Sockets.freePort();
        String dead2 = "127.0.0.1:" + Sockets.freePort();
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (ChaosProxy proxy = ChaosProxy.builder().listener(events::add).route(0, dead1, dead2).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            await().until(() -> events.stream().anyMatch(ChaosEvent.ConnectionClosed.class::isInstance));
            assertThat(events).filteredOn(ChaosEvent.UpstreamError.class::isInstance).hasSize(2);
            assertThat(events).filteredOn(ChaosEvent.NoUpstream.class::isInstance).singleElement()
                    .satisfies(e -> assertThat(((ChaosEvent.NoUpstream) e).tried()).containsExactly(dead1, dead2));
            assertThat(proxy.metrics().noUpstream()).isEqualTo(1);
        }
    }

    @Test
    void theClientsFirstBytesWaitForTheConnectAndSurviveAFailover() throws Exception {
        String dead = "127.0.0.1:" + Sockets.freePort();
        try (TcpServer echo = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, dead, echo.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            byte[] payload = RuntimeFaultsTest.randomBytes(200_000, 7);
            io.chaosproxy.Async.runAsync(() -> Sockets.writeAndHalfClose(client, payload));
            assertThat(client.getInputStream().readAllBytes()).isEqualTo(payload);
        }
    }

    @Test
    void alsoListenServesTheSameRouteOnEveryPort() throws Exception {
        try (TcpServer a = TcpServer.identity("a");
                ChaosProxy proxy = ChaosProxy.builder().route(0, a.address()).name("app").alsoListen(0, 0).start()) {
            Route app = proxy.route("app");
            assertThat(app.localPorts()).hasSize(3).doesNotHaveDuplicates().first().isEqualTo(app.localPort());
            for (int port : app.localPorts()) {
                try (Socket client = Sockets.connect(port)) {
                    assertThat(Sockets.readAll(client)).isEqualTo("a");
                }
            }
            app.disable();
            for (int port : app.localPorts()) {
                assertThat(Sockets.canBind(port)).isTrue();
            }
            app.enable();
            for (int port : app.localPorts()) {
                try (Socket client = Sockets.connect(port)) {
                    assertThat(Sockets.readAll(client)).isEqualTo("a");
                }
            }
            assertThat(app.metrics().acceptedConnections()).isEqualTo(6);
        }
    }

    @Test
    void aPortTakenByAnotherRouteOrGivenTwiceIsRefused() throws Exception {
        int port = Sockets.freePort();
        assertThatThrownBy(() -> ChaosProxy.builder().route(0, "127.0.0.1:1").alsoListen(port, port))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given twice");
        assertThatThrownBy(() -> ChaosProxy.builder().route(port, "127.0.0.1:1").name("x")
                .route(0, "127.0.0.1:2").name("y").alsoListen(port).start())
                .isInstanceOf(DuplicateException.class).hasMessageContaining("used by route 'x'");
        assertThat(Sockets.canBind(port)).isTrue();
    }

    @Test
    void aPerUpstreamLatencySlowsOnlyThatUpstreamsConnections() throws Exception {
        try (TcpServer a = TcpServer.echo(); TcpServer b = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, a.address(), b.address()).start()) {
            Route route = proxy.routes().get(0);
            route.upstream(b.address()).addFault(Fault.latency(Duration.ofMillis(300)).named("slow_b"));
            for (int i = 0; i < 4; i++) {
                try (Socket client = Sockets.connect(route)) {
                    long millis = roundTripMillis(client, 1);
                    ChaosConnection connection = route.connections().get(0);
                    if (connection.upstream().equals(b.address())) {
                        assertThat(millis).isGreaterThanOrEqualTo(300);
                        assertThat(connection.faults()).extracting(Fault::name).containsExactly("slow_b");
                    } else {
                        assertThat(millis).isLessThan(300);
                        assertThat(connection.faults()).isEmpty();
                    }
                }
                await().until(() -> route.connections().isEmpty());
            }
            assertThat(route.upstream(b.address()).faults()).extracting(Fault::name).containsExactly("slow_b");
            assertThatThrownBy(() -> route.addFault(Fault.latency(Duration.ofMillis(1)).named("slow_b")))
                    .isInstanceOf(DuplicateException.class);
            route.upstream(b.address()).removeFault("slow_b");
            assertThatThrownBy(() -> route.upstream(b.address()).removeFault("slow_b"))
                    .isInstanceOf(NoSuchElementException.class);
        }
    }

    @Test
    void aLiveConnectionFollowsItsUpstreamsFaultChanges() throws Exception {
        try (TcpServer a = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, a.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            assertThat(roundTripMillis(client, 1)).isLessThan(300);
            route.upstream(a.address()).addFault(Fault.latency(Duration.ofMillis(300)));
            assertThat(roundTripMillis(client, 2)).isGreaterThanOrEqualTo(300);
            route.upstream(a.address()).clearFaults();
            assertThat(roundTripMillis(client, 3)).isLessThan(300);
        }
    }

    @Test
    void anUnknownUpstreamIsNamedInTheError() throws Exception {
        try (TcpServer a = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, a.address()).start()) {
            assertThatThrownBy(() -> proxy.routes().get(0).upstream("127.0.0.1:1"))
                    .isInstanceOf(NoSuchElementException.class).hasMessageContaining(a.address());
        }
    }

    @Test
    void anUpstreamNamedTwiceGetsTwiceTheTurns() throws Exception {
        try (TcpServer a = TcpServer.identity("a"); TcpServer b = TcpServer.identity("b");
                ChaosProxy proxy = ChaosProxy.builder().route(0, a.address(), b.address(), a.address()).start()) {
            Route route = proxy.routes().get(0);
            assertThat(answers(route, 30)).containsEntry("a", 20L).containsEntry("b", 10L);
            assertThat(route.upstreams()).hasSize(3);
            assertThat(route.upstream(a.address())).isSameAs(route.upstreams().get(0));
        }
    }

    static Map<String, Long> answers(Route route, int connections) throws Exception {
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            try (Socket client = Sockets.connect(route)) {
                answers.add(Sockets.readAll(client));
            }
        }
        return answers.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }
}
