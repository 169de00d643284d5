package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;

@Timeout(60)
class InjectionAndSeedTest {

    @Test
    void injectsProxyAndRoutesIntoConstructorsLifecycleMethodsAndTests() {
        Kit.run(Injection.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    }

    @Test
    void injectsIntoTheConstructorOfAPerClassTestInstanceToo() {
        Kit.run(PerClassInjection.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    }

    @Test
    void perClassWithoutConstructorParametersStillCallsSuppliersAfterEarlierExtensionsBeforeAll() {
        Kit.run(PerClassSupplier.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    }

    @Test
    void chaosSeedOnTheClassFixesTheProxysSeedAndAMethodSeedItsOwnProxys() {
        Kit.run(Seeds.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    }

    @Test
    @org.junit.jupiter.api.parallel.ResourceLock(org.junit.jupiter.api.parallel.Resources.SYSTEM_PROPERTIES)
    void theSeedPropertyFixesTheSeedUnlessChaosSeedSaysOtherwise() {
        System.setProperty("chaosproxy.seed", "99");
        try {
            Kit.run(SeedFromProperty.class, Seeds.class).testEvents().assertStatistics(s -> s.succeeded(3).failed(0));
        } finally {
            System.clearProperty("chaosproxy.seed");
        }
    }

    @Test
    void chaosSeedOnAMethodWithItsOwnProxyFixesThatProxysSeed() {
        Kit.run(MethodSeed.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    }

    @Test
    void aFailedTestPublishesTheSeedAsAReportEntry() {
        EngineExecutionResults results = Kit.run(FailingWithSeed.class);

        results.testEvents().assertStatistics(s -> s.failed(1));
        List<Map<String, String>> entries = results.allEvents().reportingEntryPublished().stream()
                .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs()).toList();
        assertThat(entries).containsExactly(Map.of("chaosproxy.seed", "4242"));
    }

    @Test
    void aMistakeInTheTestsSetUpPublishesNoSeed() {
        // A bad @RouteName fails the test, but no seed would replay it: no hint that chaos was involved.
        EngineExecutionResults results = Kit.run(BadRouteNameWithSeed.class);

        results.testEvents().assertStatistics(s -> s.failed(1));
        assertThat(results.allEvents().reportingEntryPublished().count()).isZero();
    }

    @ChaosSeed(4242)
    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    static class BadRouteNameWithSeed {
        @Test
        void test(@RouteName("nope") Route route) {
        }
    }

    @Test
    void aPassingTestPublishesNothing() {
        EngineExecutionResults results = Kit.run(Seeds.class);
        assertThat(results.allEvents().reportingEntryPublished().count()).isZero();
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    @ChaosRoute(name = "api", upstream = "127.0.0.1:2")
    static class Injection {
        private final Route dbFromConstructor;
        private ChaosProxy proxyFromBeforeEach;

        Injection(@RouteName("db") Route db) {
            this.dbFromConstructor = db;
        }

        @BeforeEach
        void before(ChaosProxy proxy) {
            this.proxyFromBeforeEach = proxy;
        }

        @Test
        void test(ChaosProxy proxy, @RouteName("api") Route api, @RouteName("db") Route db) {
            assertThat(proxyFromBeforeEach).isSameAs(proxy);
            assertThat(dbFromConstructor).isSameAs(db).isSameAs(proxy.route("db"));
            assertThat(api.name()).isEqualTo("api");
        }
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    @org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
    static class PerClassInjection {
        private final ChaosProxy proxyFromConstructor;

        PerClassInjection(ChaosProxy proxy, Route db) {   // made before the before-all callbacks
            this.proxyFromConstructor = proxy;
            assertThat(db.localPort()).isPositive();
        }

        @Test
        void first(ChaosProxy proxy) {
            assertThat(proxy).isSameAs(proxyFromConstructor);
        }

        @Test
        void second(@RouteName("db") Route db) {
            assertThat(db).isSameAs(proxyFromConstructor.route("db"));
        }
    }

    /** Stands for @Testcontainers: what the upstream supplier reads exists only after its beforeAll. */
    static class StartsUpstream implements org.junit.jupiter.api.extension.BeforeAllCallback {
        static volatile Integer port;

        @Override
        public void beforeAll(org.junit.jupiter.api.extension.ExtensionContext context) {
            port = 4321;
        }
    }

    @org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
    @org.junit.jupiter.api.extension.ExtendWith(StartsUpstream.class)
    static class PerClassSupplier {
        @org.junit.jupiter.api.extension.RegisterExtension
        static ChaosProxyExtension chaos = ChaosProxyExtension.builder().route("svc", () -> {
            if (StartsUpstream.port == null) {
                throw new IllegalStateException("Mapped port can only be obtained after the container is started");
            }
            return "127.0.0.1:" + StartsUpstream.port;
        }).build();

        @Test
        void test(Route svc) {
            assertThat(svc.upstream()).isEqualTo("127.0.0.1:4321");
        }
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    static class SeedFromProperty {
        @Test
        void test(ChaosProxy proxy) {
            assertThat(proxy.seed()).isEqualTo(99);
        }
    }

    static class MethodSeed {
        @Test
        @ChaosSeed(5)
        @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
        void test(ChaosProxy proxy) {
            assertThat(proxy.seed()).isEqualTo(5);
        }
    }

    @ChaosSeed(7)
    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    static class Seeds {
        @Test
        void classSeed(ChaosProxy proxy) {
            assertThat(proxy.seed()).isEqualTo(7);
        }


        @Test
        @ChaosSeed(7)
        void sameSeedOnAMethodIsFine(ChaosProxy proxy) {
            assertThat(proxy.seed()).isEqualTo(7);
        }
    }


    @ChaosSeed(4242)
    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    static class FailingWithSeed {
        @Test
        void fails() {
            fail("on purpose");
        }
    }
}
