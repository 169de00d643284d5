package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.Balancing;
import io.chaosproxy.Route;
import io.chaosproxy.Upstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@code @ChaosRoute(upstream = {...})}: a route of several upstreams, on a class and on a method, real sockets.
 * Its tests count what the two shared upstreams accepted, so they run one after the other.
 */
@Timeout(60)
@Execution(ExecutionMode.SAME_THREAD)
class UpstreamsAttributeTest {
    static final String A_PORT = "chaosproxy.upstreams.a.port";
    static final String B_PORT = "chaosproxy.upstreams.b.port";
    static EchoServer a;
    static EchoServer b;

    @BeforeAll
    static void startUpstreams() throws IOException {
        a = new EchoServer();
        b = new EchoServer();
        System.setProperty(A_PORT, String.valueOf(a.port()));
        System.setProperty(B_PORT, String.valueOf(b.port()));
    }

    @AfterAll
    static void stopUpstreams() throws IOException {
        System.clearProperty(A_PORT);
        System.clearProperty(B_PORT);
        a.close();
        b.close();
    }

    @Test
    void aClassRouteOfTwoUpstreamsGivesBothConnections() {
        int aBefore = a.accepted();
        int bBefore = b.accepted();
        EngineExecutionResults results = Kit.run(ClassPair.class);
        assertThat(Kit.failureMessages(results.allEvents())).isEmpty();
        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        // Four round trips in the class route's test, two in the method override's: round robin, three each.
        assertThat(a.accepted() - aBefore).isEqualTo(3);
        assertThat(b.accepted() - bBefore).isEqualTo(3);
    }

    @Test
    void aMethodRouteOfTwoUpstreamsTakesItsBalancing() {
        int bBefore = b.accepted();
        EngineExecutionResults results = Kit.run(MethodPair.class);
        assertThat(Kit.failureMessages(results.allEvents())).isEmpty();
        results.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertThat(b.accepted() - bBefore).isEqualTo(2);
    }

    @Test
    void aBlankEntryFailsTheClassAndNamesIt() {
        assertThat(containerFailure(BlankEntry.class))
                .contains("@ChaosRoute on UpstreamsAttributeTest.BlankEntry", "route 'app'", "upstream[1] is blank");
    }

    @Test
    void anUnresolvedPlaceholderInALaterEntryFailsTheTestAndNamesIt() {
        EngineExecutionResults results = Kit.run(UnresolvedSecond.class);
        results.testEvents().assertStatistics(s -> s.failed(1));
        assertThat(Kit.failureMessages(results.testEvents())).singleElement().asString()
                .contains("UnresolvedSecond", "${no.such.port}", "not a system property or environment variable");
    }

    @Test
    void anOverrideMayNotChangeTheUpstreamsOrTheBalancing() {
        EngineExecutionResults results = Kit.run(OverrideChanges.class);
        results.testEvents().assertStatistics(s -> s.failed(2));
        assertThat(Kit.failureMessages(results.testEvents())).satisfiesExactlyInAnyOrder(
                message -> assertThat(message).contains("OverrideChanges.otherList()", "upstream [\"127.0.0.1:1\","
                        + " \"127.0.0.1:3\"] differs from the class route's [\"127.0.0.1:1\", \"127.0.0.1:2\"]"),
                message -> assertThat(message).contains("OverrideChanges.otherBalancing()",
                        "balancing RANDOM", "overrides faults only"));
    }

    private static String containerFailure(Class<?> fixture) {
        EngineExecutionResults results = Kit.run(fixture);
        results.testEvents().assertStatistics(s -> s.started(0));
        List<String> messages = Kit.failureMessages(results.containerEvents());
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0)).startsWith("ExtensionConfigurationException");
        return messages.get(0);
    }

    @ChaosRoute(name = "app", upstream = {"127.0.0.1:${" + A_PORT + "}", "127.0.0.1:${" + B_PORT + "}"})
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
    static class ClassPair {
        @Test
        void a_spreadsOverBoth(Route app) throws IOException {
            assertThat(app.upstreams()).extracting(Upstream::address).containsExactly(a.address(), b.address());
            for (int i = 0; i < 4; i++) {
                assertThat(Kit.roundTrip(app.localPort(), "c" + i)).isEqualTo("c" + i);
            }
            assertThat(app.upstream(a.address()).connectionsTotal()).isEqualTo(2);
            assertThat(app.upstream(b.address()).connectionsTotal()).isEqualTo(2);
        }

        @Test
        @ChaosRoute(name = "app", latency = "1ms")   // an override: the class route's upstreams, these faults
        void b_anOverrideKeepsBoth(Route app) throws IOException {
            assertThat(app.faults()).hasSize(1);
            for (int i = 0; i < 2; i++) {
                assertThat(Kit.roundTrip(app.localPort(), "m" + i)).isEqualTo("m" + i);
            }
            assertThat(app.upstreams()).allSatisfy(u -> assertThat(u.connectionsTotal()).isEqualTo(3));
        }
    }

    @ChaosRoute(name = "other", upstream = "127.0.0.1:${" + A_PORT + "}")
    static class MethodPair {
        @Test
        @ChaosRoute(name = "pair", upstream = {"127.0.0.1:${" + A_PORT + "}", "127.0.0.1:${" + B_PORT + "}"},
                balancing = Balancing.LEAST_CONNECTIONS)
        void theNextClientGoesToTheIdleTarget(@RouteName("pair") Route pair) throws IOException {
            try (Socket held = connect(pair); Socket second = connect(pair)) {
                await().until(() -> pair.upstream(b.address()).activeConnections() == 1);
                second.close();   // a has one connection, b none
                await().until(() -> pair.upstream(b.address()).activeConnections() == 0);
                // The idle target, b; round robin would have taken a's turn.
                assertThat(Kit.roundTrip(pair.localPort(), "idle")).isEqualTo("idle");
                assertThat(pair.upstream(a.address()).connectionsTotal()).isEqualTo(1);
                assertThat(pair.upstream(b.address()).connectionsTotal()).isEqualTo(2);
            }
        }

        private static Socket connect(Route route) throws IOException {
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), route.localPort());
            socket.getOutputStream().write('x');   // so that the proxy pairs it with an upstream now
            socket.setSoTimeout(10_000);
            assertThat(socket.getInputStream().read()).isEqualTo('x');
            return socket;
        }
    }

    @ChaosRoute(name = "app", upstream = {"127.0.0.1:1", " "})
    static class BlankEntry { @Test void neverRuns() { } }

    @ChaosRoute(name = "app", upstream = {"127.0.0.1:1", "127.0.0.1:${no.such.port}"})
    static class UnresolvedSecond { @Test void neverRuns() { } }

    @ChaosRoute(name = "app", upstream = {"127.0.0.1:1", "127.0.0.1:2"})
    static class OverrideChanges {
        @Test
        @ChaosRoute(name = "app", upstream = {"127.0.0.1:1", "127.0.0.1:3"})
        void otherList() { }

        @Test
        @ChaosRoute(name = "app", balancing = Balancing.RANDOM)
        void otherBalancing() { }
    }
}
