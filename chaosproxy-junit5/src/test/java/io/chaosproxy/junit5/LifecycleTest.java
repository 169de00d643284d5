package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineExecutionResults;

@Timeout(60)
class LifecycleTest {

    @Test
    void classProxyIsUpBeforeTheFirstTestAndDownAfterTheLastWithItsPortFree() {
        EngineExecutionResults results = Kit.run(OneProxyPerClass.class);

        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(OneProxyPerClass.proxies).hasSize(3).containsOnly(OneProxyPerClass.proxies.get(0));
        ChaosProxy proxy = OneProxyPerClass.proxies.get(0);
        assertThat(proxy).hasToString("ChaosProxy{closed}");
        assertThat(Kit.portIsFree(OneProxyPerClass.port)).isTrue();
    }

    @Test
    void classRoutesAreResetAfterEachTest() {
        Kit.run(ResetBetweenTests.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    }

    @Test
    void methodRouteLivesForItsTestAndOverridesAClassRouteByName() {
        Kit.run(MethodRoutes.class).testEvents().assertStatistics(s -> s.succeeded(3).failed(0));
        assertThat(MethodRoutes.methodOnlyPorts).hasSize(1);
        assertThat(Kit.portIsFree(MethodRoutes.methodOnlyPorts.get(0))).isTrue();
    }

    @Test
    void methodRoutesWithoutClassRoutesGetAProxyOfTheirOwn() {
        Kit.run(MethodOnly.class).testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(MethodOnly.proxies).hasSize(1).allSatisfy(p -> assertThat(p).hasToString("ChaosProxy{closed}"));
    }

    @Test
    void nestedClassesSeeTheOuterProxyAndAddRoutesForTheirOwnTests() {
        EngineExecutionResults results = Kit.run(OuterWithNested.class);
        results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        assertThat(Kit.failureMessages(results.containerEvents())).isEmpty();   // the @AfterAll check included
    }

    @Test
    void systemPropertiesNameEveryClassRouteWhileTheProxyRunsAndAreRestoredAfter() {
        System.setProperty("chaosproxy.sysprops-db.port", "previous");
        System.clearProperty("chaosproxy.sysprops-db.host");
        try {
            Kit.run(SystemProperties.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
            assertThat(System.getProperty("chaosproxy.sysprops-db.port")).isEqualTo("previous");
            assertThat(System.getProperty("chaosproxy.sysprops-db.host")).isNull();
            assertThat(System.getProperty("chaosproxy.sysprops-db.address")).isNull();
        } finally {
            System.clearProperty("chaosproxy.sysprops-db.port");
        }
    }

    @Test
    void aProgrammaticStaticFieldGivesAProxyPerClassAndAnInstanceFieldOnePerTest() {
        Kit.run(ProgrammaticPerClass.class, ProgrammaticPerTest.class)
                .testEvents().assertStatistics(s -> s.succeeded(4).failed(0));
        assertThat(ProgrammaticPerClass.proxies).hasSize(2).containsOnly(ProgrammaticPerClass.proxies.get(0));
        assertThat(ProgrammaticPerTest.proxies).hasSize(2).doesNotHaveDuplicates();
        assertThat(ProgrammaticPerTest.proxies).allSatisfy(p -> assertThat(p).hasToString("ChaosProxy{closed}"));
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class OneProxyPerClass {
        static final List<ChaosProxy> proxies = new CopyOnWriteArrayList<>();
        static volatile int port;

        @BeforeAll
        static void before(ChaosProxy proxy) {
            proxies.add(proxy);
            port = proxy.route("db").localPort();
            assertThat(Kit.portIsFree(port)).isFalse();
        }

        @Test @Order(1) void first(ChaosProxy proxy) { proxies.add(proxy); }

        @Test @Order(2) void second(ChaosProxy proxy) { proxies.add(proxy); }
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1", latency = "100ms")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ResetBetweenTests {
        @Test @Order(1)
        void changesTheRoute(Route db) {
            db.clearFaults().addFault(Fault.resetPeer(Duration.ZERO));
            db.disable();
        }

        @Test @Order(2)
        void seesTheDeclaredFaultsAgain(Route db) {
            assertThat(db.isEnabled()).isTrue();
            assertThat(db.faults()).extracting(Fault::name).containsExactly("latency_downstream");
        }
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1", latency = "100ms")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class MethodRoutes {
        static final List<Integer> methodOnlyPorts = new CopyOnWriteArrayList<>();

        @Test @Order(1)
        @ChaosRoute(name = "cache", upstream = "127.0.0.1:2", dropRate = 1.0)
        void hasItsOwnRouteBesideTheClassRoute(ChaosProxy proxy, @RouteName("cache") Route cache) {
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("db", "cache");
            assertThat(cache.faults()).extracting(Fault::name).containsExactly("drop_downstream");
            methodOnlyPorts.add(cache.localPort());
        }

        @Test @Order(2)
        @ChaosRoute(name = "db", bandwidth = 1000)
        void overridesTheClassRoutesFaults(@RouteName("db") Route db) {
            assertThat(db.faults()).extracting(Fault::name).containsExactly("bandwidth_downstream");
        }

        @Test @Order(3)
        void afterwardsTheClassRouteIsAsDeclaredAndTheMethodRouteGone(ChaosProxy proxy) {
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("db");
            assertThat(proxy.route("db").faults()).extracting(Fault::name).containsExactly("latency_downstream");
        }
    }

    static class MethodOnly {
        static final List<ChaosProxy> proxies = new CopyOnWriteArrayList<>();

        @Test
        @ChaosRoute(name = "api", upstream = "127.0.0.1:1", latency = "5ms")
        void getsAProxy(ChaosProxy proxy) {
            proxies.add(proxy);
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("api");
        }

        @Test
        void withoutRoutesNothingStarts() {
        }
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    static class OuterWithNested {
        @Test
        void outer(ChaosProxy proxy) {
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("db");
        }

        /** Runs after the nested class: its route and its system properties are gone. */
        @org.junit.jupiter.api.AfterAll
        static void nestedRoutesAreRemovedWithTheirClass(ChaosProxy proxy) {
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("db");
            assertThat(System.getProperty("chaosproxy.queue.port")).isNull();
        }

        @Nested
        @ChaosRoute(name = "queue", upstream = "127.0.0.1:2")
        class Inner {
            @Test
            void seesOuterAndOwnRoutes(ChaosProxy proxy, @RouteName("queue") Route queue) {
                assertThat(proxy.routes()).extracting(Route::name).containsExactly("db", "queue");
                assertThat(System.getProperty("chaosproxy.queue.port")).isEqualTo(String.valueOf(queue.localPort()));
            }
        }
    }

    @ChaosRoute(name = "sysprops-db", upstream = "127.0.0.1:1")
    static class SystemProperties {
        @Test
        void areSet(Route db) {
            assertThat(System.getProperty("chaosproxy.sysprops-db.host")).isEqualTo("127.0.0.1");
            assertThat(System.getProperty("chaosproxy.sysprops-db.port")).isEqualTo(String.valueOf(db.localPort()));
            assertThat(System.getProperty("chaosproxy.sysprops-db.address")).isEqualTo("127.0.0.1:" + db.localPort());
        }
    }

    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ProgrammaticPerClass {
        static final List<ChaosProxy> proxies = new CopyOnWriteArrayList<>();

        @org.junit.jupiter.api.extension.RegisterExtension
        static ChaosProxyExtension chaos = ChaosProxyExtension.builder()
                .route("svc", () -> "127.0.0.1:1", r -> r.latency(Duration.ofMillis(10)))
                .build();

        @Test @Order(1) void one(ChaosProxy proxy) { proxies.add(proxy); }

        @Test @Order(2) void two(ChaosProxy proxy) { proxies.add(proxy); }
    }

    static class ProgrammaticPerTest {
        static final List<ChaosProxy> proxies = new CopyOnWriteArrayList<>();

        @org.junit.jupiter.api.extension.RegisterExtension
        ChaosProxyExtension chaos = ChaosProxyExtension.builder().route("svc", () -> "127.0.0.1:1").build();

        @Test void one(ChaosProxy proxy) { proxies.add(proxy); }

        @Test void two(ChaosProxy proxy) { proxies.add(proxy); }
    }
}
