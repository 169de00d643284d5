package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A deferred class proxy ({@code ${..}} set by the class itself) in the corners: a static initializer, a
 * {@code @Nested} class with its own routes, {@code PER_CLASS}, overrides, parallel tests, a never-set property.
 */
@Timeout(60)
class DeferredStartCornersTest {
    static final Set<Integer> PORTS = ConcurrentHashMap.newKeySet();
    static final String UNSET = ": ${%s} in upstream is not a system property or environment variable; set it in a"
            + " static initializer or @BeforeAll, before the class's first test";

    @Test
    void aStaticInitializerMaySetThePlaceholder() {
        // JUnit makes the instance (where the proxy starts) before anything has run the class's static initializer.
        EngineExecutionResults results = Kit.run(StaticInit.class, BeforeAllRoute.class);

        assertThat(Kit.failureMessages(results.allEvents())).isEmpty();
        results.testEvents().assertStatistics(s -> s.succeeded(2));
    }

    @AfterAll
    static void stopTheStaticInitializersUpstreams() throws IOException {
        // A static initializer runs once per JVM: their properties stay set for the class's lifetime.
        System.clearProperty("corners.si.port");
        System.clearProperty("corners.ba.port");
        if (StaticInit.up != null) {
            StaticInit.up.close();
        }
        if (BeforeAllRoute.up != null) {
            BeforeAllRoute.up.close();
        }
    }

    @Test
    void aNestedClassMaySetItsOwnRoutesPlaceholderInItsBeforeAll() {
        EngineExecutionResults results = Kit.run(NestedOwn.class);

        assertThat(Kit.failureMessages(results.allEvents())).isEmpty();
        results.testEvents().assertStatistics(s -> s.succeeded(2));
        assertThat(System.getProperty("chaosproxy.inner.port")).isNull();
    }

    @Test
    void aPlaceholderNeverSetFailsEachTestOnceWithTheMessageAndNoSeedHint() {
        EngineExecutionResults results = Kit.run(NeverSet.class, NestedNeverSet.class);

        results.testEvents().assertStatistics(s -> s.failed(4).succeeded(1));
        assertThat(results.containerEvents().failed().count()).isZero();
        assertThat(Kit.failureMessages(results.testEvents())).containsExactlyInAnyOrder(
                "ExtensionConfigurationException: @ChaosRoute on DeferredStartCornersTest.NeverSet"
                        + UNSET.formatted("corners.never.set"),
                "ExtensionConfigurationException: @ChaosRoute on DeferredStartCornersTest.NeverSet"
                        + UNSET.formatted("corners.never.set"),
                "ExtensionConfigurationException: @ChaosRoute on DeferredStartCornersTest.NeverSet"
                        + UNSET.formatted("corners.never.set"),
                "ExtensionConfigurationException: @ChaosRoute on DeferredStartCornersTest.NestedNeverSet.Inner"
                        + UNSET.formatted("corners.inner.never.set"));
        assertThat(results.allEvents().reportingEntryPublished().count()).isZero();
    }

    @Test
    void aBeforeAllRouteParameterStillUnsetSaysSoOnce() {
        EngineExecutionResults results = Kit.run(BeforeAllRouteNeverSet.class);

        // Not "Failed to resolve parameter [..] in method [..]: <message> / <message>"
        assertThat(Kit.failureMessages(results.containerEvents())).containsExactly(
                "ParameterResolutionException: @ChaosRoute on DeferredStartCornersTest.BeforeAllRouteNeverSet"
                        + UNSET.formatted("corners.ban.never"));
    }

    @Test
    void perClassInstancesOverridesAndParallelTestsShareTheOneLateProxy() {
        PORTS.clear();
        EngineExecutionResults results = Kit.run(PerClass.class, Override1.class);
        EngineExecutionResults parallel = Kit.runInParallel(Par.class);

        assertThat(Kit.failureMessages(results.allEvents())).isEmpty();
        assertThat(Kit.failureMessages(parallel.allEvents())).isEmpty();
        results.testEvents().assertStatistics(s -> s.succeeded(4));
        parallel.testEvents().assertStatistics(s -> s.succeeded(6));
        assertThat(PORTS).singleElement().satisfies(port -> assertThat(Kit.portIsFree(port)).isTrue());
        assertThat(System.getProperty("chaosproxy.par.port")).isNull();
    }

    @ChaosRoute(name = "n", upstream = "127.0.0.1:${corners.never.set}")
    static class NeverSet {
        @Test
        void a(Route r) {
        }

        @Test
        void b() {
        }

        @Nested
        class In {
            @Test
            void c() {
            }
        }
    }

    static class NestedNeverSet {
        @Test
        void outerRuns() {
        }

        @Nested
        @ChaosRoute(name = "inner", upstream = "127.0.0.1:${corners.inner.never.set}")
        class Inner {
            @Test
            void failsWithTheMessage(Route inner) {
            }
        }
    }

    @ChaosRoute(name = "outer", upstream = "127.0.0.1:${corners.outer.port}")
    static class NestedOwn {
        static EchoServer up;

        @BeforeAll
        static void start() throws IOException {
            up = new EchoServer();
            System.setProperty("corners.outer.port", String.valueOf(up.port()));
        }

        @AfterAll
        static void stop() throws IOException {
            System.clearProperty("corners.outer.port");
            up.close();
        }

        @Test
        void outer(Route outer) throws IOException {
            assertThat(Kit.roundTrip(outer.localPort(), "x")).isEqualTo("x");
        }

        @Nested
        @ChaosRoute(name = "inner", upstream = "127.0.0.1:${corners.inner.port}")
        class Inner {
            static EchoServer innerUp;

            @BeforeAll
            static void start() throws IOException {
                innerUp = new EchoServer();
                System.setProperty("corners.inner.port", String.valueOf(innerUp.port()));
            }

            @AfterAll
            static void stop() throws IOException {
                System.clearProperty("corners.inner.port");
                innerUp.close();
            }

            @Test
            void inner(@RouteName("inner") Route inner) throws IOException {
                assertThat(Kit.roundTrip(inner.localPort(), "y")).isEqualTo("y");
            }
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @ChaosRoute(name = "pc", upstream = "127.0.0.1:${corners.pc.port}")
    static class PerClass {
        EchoServer up;

        @BeforeAll
        void start() throws IOException {
            up = new EchoServer();
            System.setProperty("corners.pc.port", String.valueOf(up.port()));
        }

        @AfterAll
        void stop() throws IOException {
            System.clearProperty("corners.pc.port");
            up.close();
        }

        @Test
        void a(Route r) throws IOException {
            assertThat(Kit.roundTrip(r.localPort(), "x")).isEqualTo("x");
        }

        @Test
        void b(ChaosProxy p) {
            assertThat(p.routes()).hasSize(1);
        }
    }

    @ChaosRoute(name = "ov", upstream = "127.0.0.1:${corners.ov.port}", latency = "1ms")
    static class Override1 {
        static EchoServer up;

        @BeforeAll
        static void start() throws IOException {
            up = new EchoServer();
            System.setProperty("corners.ov.port", String.valueOf(up.port()));
        }

        @AfterAll
        static void stop() throws IOException {
            System.clearProperty("corners.ov.port");
            up.close();
        }

        @Test
        @ChaosRoute(name = "ov", latency = "2ms")
        void overridden(Route r) throws IOException {
            assertThat(r.faults().toString()).contains("2");
            assertThat(Kit.roundTrip(r.localPort(), "x")).isEqualTo("x");
        }

        @Test
        @ChaosRoute(name = "ov", upstream = "127.0.0.1:${corners.ov.port}")
        void overriddenWithSameUpstream(Route r) throws IOException {
            assertThat(Kit.roundTrip(r.localPort(), "x")).isEqualTo("x");
        }
    }

    @ChaosRoute(name = "par", upstream = "127.0.0.1:${corners.par.port}")
    static class Par {
        static EchoServer up;

        @BeforeAll
        static void start() throws IOException {
            up = new EchoServer();
            System.setProperty("corners.par.port", String.valueOf(up.port()));
        }

        @AfterAll
        static void stop() throws IOException {
            System.clearProperty("corners.par.port");
            up.close();
        }

        Par() {
            PORTS.add(Integer.getInteger("chaosproxy.par.port", -1));
        }

        @Test
        void a(Route r) throws IOException {
            roundTrip(r);
        }

        @Test
        void b(Route r) throws IOException {
            roundTrip(r);
        }

        @Test
        void c(Route r) throws IOException {
            roundTrip(r);
        }

        @Test
        void d(Route r) throws IOException {
            roundTrip(r);
        }

        @Test
        void e(Route r) throws IOException {
            roundTrip(r);
        }

        @Test
        void f(Route r) throws IOException {
            roundTrip(r);
        }

        private static void roundTrip(Route r) throws IOException {
            PORTS.add(r.localPort());
            assertThat(Kit.roundTrip(r.localPort(), "p")).isEqualTo("p");
        }
    }

    @ChaosRoute(name = "ba", upstream = "127.0.0.1:${corners.ba.port}")
    static class BeforeAllRoute {
        static EchoServer up;
        static int port;

        static {
            try {
                up = new EchoServer();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            System.setProperty("corners.ba.port", String.valueOf(up.port()));
        }

        @BeforeAll
        static void take(Route r) {
            port = r.localPort();
        }

        @Test
        void a(Route r) {
            assertThat(r.localPort()).isEqualTo(port);
        }
    }

    @ChaosRoute(name = "si", upstream = "127.0.0.1:${corners.si.port}")
    static class StaticInit {
        static EchoServer up;

        static {
            try {
                up = new EchoServer();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            System.setProperty("corners.si.port", String.valueOf(up.port()));
        }

        @Test
        void a(Route r) throws IOException {
            assertThat(Kit.roundTrip(r.localPort(), "x")).isEqualTo("x");
        }
    }

    @ChaosRoute(name = "ban", upstream = "127.0.0.1:${corners.ban.never}")
    static class BeforeAllRouteNeverSet {
        @BeforeAll
        static void take(Route r) {
        }

        @Test
        void a() {
        }
    }
}
