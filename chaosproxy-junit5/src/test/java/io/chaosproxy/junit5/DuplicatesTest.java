package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * Names and ports declared twice, however they are declared (class or method annotations, the extension's
 * builder), are caught by the proxy's one check and said of the declaration: "declared twice".
 */
@Timeout(60)
class DuplicatesTest {

    @Test
    void aNameTwiceOnAMethodFailsThatTestAndNamesTheCheck() {
        assertThat(testFailure(TwiceOnAMethod.class))
                .contains("@ChaosRoute on DuplicatesTest.TwiceOnAMethod.test()",
                        "route name 'cache' is declared twice",
                        "route 'cache': name is used by routes[1] too");   // the core's words, as the cause
    }

    @Test
    void aPortTwiceOnAMethodFailsThatTestBeforeAnythingIsBound() {
        assertThat(testFailure(PortTwiceOnAMethod.class))
                .contains("@ChaosRoute on DuplicatesTest.PortTwiceOnAMethod.test()", "localPort 18766 is declared twice");
    }

    @Test
    void overridingOneClassRouteTwiceOnAMethodFails() {
        assertThat(testFailure(OverrideTwice.class)).contains("route name 'db' is declared twice");
    }

    @Test
    void theExtensionsBuilderRoutesAreCheckedByTheProxyToo() {
        assertThat(containerFailure(BuilderTwice.class))
                .contains("ChaosProxyExtension: route name 'db' is declared twice; route names must be unique");
    }

    @Test
    void aFaultNameTwiceInTheBuilderKeepsTheCoresWords() {
        assertThat(containerFailure(FaultTwice.class))
                .contains("ChaosProxyExtension: route 'db'", "a fault named 'latency_downstream' exists already");
    }

    @Test
    void aNestedClassRouteWithTheEnclosingRoutesNameFailsTheNestedClass() {
        EngineExecutionResults results = Kit.run(Outer.class);
        assertThat(Kit.failureMessages(results.containerEvents())).singleElement().asString()
                .contains("@ChaosRoute on DuplicatesTest.Outer.Inner", "route name 'db' is declared twice");
        results.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    }

    private static String containerFailure(Class<?> fixture) {
        EngineExecutionResults results = Kit.run(fixture);
        results.testEvents().assertStatistics(s -> s.started(0));
        List<String> messages = Kit.failureMessages(results.containerEvents());
        assertThat(messages).singleElement().asString().startsWith("ExtensionConfigurationException");
        return messages.get(0);
    }

    private static String testFailure(Class<?> fixture) {
        EngineExecutionResults results = Kit.run(fixture);
        results.testEvents().assertStatistics(s -> s.failed(1));
        List<String> messages = Kit.failureMessages(results.testEvents());
        assertThat(messages).singleElement().asString().startsWith("ExtensionConfigurationException");
        return messages.get(0);
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    static class TwiceOnAMethod {
        @Test
        @ChaosRoute(name = "cache", upstream = "127.0.0.1:2")
        @ChaosRoute(name = "cache", upstream = "127.0.0.1:3")
        void test() { }
    }

    static class PortTwiceOnAMethod {
        @Test
        @ChaosRoute(name = "a", upstream = "127.0.0.1:2", localPort = 18766)
        @ChaosRoute(name = "b", upstream = "127.0.0.1:3", localPort = 18766)
        void test() { }
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    static class OverrideTwice {
        @Test
        @ChaosRoute(name = "db", latency = "5ms")
        @ChaosRoute(name = "db", latency = "10ms")
        void test() { }
    }

    static class BuilderTwice {
        @RegisterExtension
        static ChaosProxyExtension chaos = ChaosProxyExtension.builder()
                .route("db", () -> "127.0.0.1:1")
                .route("db", () -> "127.0.0.1:2")
                .build();

        @Test void neverRuns() { }
    }

    static class FaultTwice {
        @RegisterExtension
        static ChaosProxyExtension chaos = ChaosProxyExtension.builder()
                .route("db", () -> "127.0.0.1:1",
                        r -> r.latency(Duration.ofMillis(1)).latency(Duration.ofMillis(2)))
                .build();

        @Test void neverRuns() { }
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    static class Outer {
        @Test
        void outer(ChaosProxy proxy) {
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("db");
        }

        @org.junit.jupiter.api.Nested
        @ChaosRoute(name = "db", upstream = "127.0.0.1:2")
        class Inner {
            @Test void neverRuns() { }
        }
    }
}
