package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Route;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;

@Timeout(60)
class BadInputTest {

    @Test
    void missingUpstreamFailsTheClassAndSaysSo() {
        assertThat(containerFailure(MissingUpstream.class))
                .contains("@ChaosRoute", "MissingUpstream", "route 'db'", "has no upstream");
    }

    @Test
    void malformedUpstreamFailsTheClassAndSaysWhy() {
        assertThat(containerFailure(MalformedUpstream.class))
                .contains("@ChaosRoute", "MalformedUpstream", "route 'db'", "no-port", "has no port");
    }

    @Test
    void placeholderStillUnsetAtTheFirstTestFailsItOnceWithOneCleanMessage() {
        // The class's proxy waits for a ${..} until the first test (its @BeforeAll may set it), then fails the test.
        String message = testFailure(UnresolvedPlaceholder.class);
        assertThat(message).isEqualTo("ExtensionConfigurationException: @ChaosRoute on"
                + " BadInputTest.UnresolvedPlaceholder: ${no.such.port} in upstream is not a system property or"
                + " environment variable; set it in a static initializer or @BeforeAll, before the class's first test");
    }

    @Test
    void duplicateRouteNamesFailTheClass() {
        assertThat(containerFailure(DuplicateNames.class))
                .contains("@ChaosRoute", "DuplicateNames", "'db'", "declared twice");
    }

    @Test
    void duplicatePortsFailTheClass() {
        assertThat(containerFailure(DuplicatePorts.class))
                .contains("@ChaosRoute", "DuplicatePorts", "localPort 18765", "declared twice");
    }

    @Test
    void faultValuesOutOfRangeFailTheClass() {
        assertThat(containerFailure(DropRateOutOfRange.class))
                .contains("@ChaosRoute", "DropRateOutOfRange", "dropRate 1.5 is outside 0.0..1.0");
    }

    @Test
    void annotationsBesideAProgrammaticExtensionFailTheClass() {
        assertThat(containerFailure(AnnotationAndField.class))
                .contains("@ChaosRoute", "AnnotationAndField", "ChaosProxyExtension field", "one place");
    }

    @Test
    void unknownRouteNameOnAParameterFailsTheTestAndListsTheRoutes() {
        assertThat(testFailure(UnknownRouteName.class))
                .contains("@RouteName(\"nope\")", "UnknownRouteName.test()", "no route named 'nope'", "[db]");
    }

    @Test
    void bareRouteParameterWithSeveralRoutesAsksForARouteName() {
        assertThat(testFailure(AmbiguousRoute.class))
                .contains("Route parameter 0", "AmbiguousRoute.test()", "[a, b]", "@RouteName");
    }

    @Test
    void methodUpstreamDifferentFromTheClassRoutesFailsTheTest() {
        assertThat(testFailure(OverrideWithOtherUpstream.class))
                .contains("@ChaosRoute", "OverrideWithOtherUpstream.test()", "differs from the class route's");
    }

    @Test
    void anUpstreamSupplierThatThrowsFailsTheClassWithItsRouteAndCause() {
        assertThat(containerFailure(SupplierThrows.class))
                .contains("ChaosProxyExtension", "route 'db'", "the upstream supplier failed", "container not started");
    }

    @Test
    void failedMethodRouteLeavesTheClassProxyAsItWas() {
        EngineExecutionResults results = Kit.run(HalfBadMethod.class);
        results.testEvents().assertStatistics(s -> s.succeeded(1).failed(1));
        assertThat(Kit.failureMessages(results.testEvents())).singleElement().asString()
                .contains("HalfBadMethod.bad()", "${no.such.thing}");
    }

    private static String containerFailure(Class<?> fixture) {
        EngineExecutionResults results = Kit.run(fixture);
        results.testEvents().assertStatistics(s -> s.started(0));
        List<String> messages = Kit.failureMessages(results.containerEvents());
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0)).startsWith("ExtensionConfigurationException").doesNotContain("NullPointer");
        return messages.get(0);
    }

    private static String testFailure(Class<?> fixture) {
        EngineExecutionResults results = Kit.run(fixture);
        results.testEvents().assertStatistics(s -> s.failed(1));
        List<String> messages = Kit.failureMessages(results.testEvents());
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    @ChaosRoute(name = "db")
    static class MissingUpstream { @Test void neverRuns() { } }

    @ChaosRoute(name = "db", upstream = "no-port")
    static class MalformedUpstream { @Test void neverRuns() { } }

    @ChaosRoute(upstream = "127.0.0.1:${no.such.port}")
    static class UnresolvedPlaceholder { @Test void neverRuns() { } }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    @ChaosRoute(name = "db", upstream = "127.0.0.1:2")
    static class DuplicateNames { @Test void neverRuns() { } }

    @ChaosRoute(name = "a", upstream = "127.0.0.1:1", localPort = 18765)
    @ChaosRoute(name = "b", upstream = "127.0.0.1:2", localPort = 18765)
    static class DuplicatePorts { @Test void neverRuns() { } }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1", dropRate = 1.5)
    static class DropRateOutOfRange { @Test void neverRuns() { } }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    static class AnnotationAndField {
        @RegisterExtension
        static ChaosProxyExtension chaos = ChaosProxyExtension.builder().route("api", () -> "127.0.0.1:2").build();

        @Test void neverRuns() { }
    }

    static class SupplierThrows {
        @RegisterExtension
        static ChaosProxyExtension chaos = ChaosProxyExtension.builder()
                .route("db", () -> {
                    throw new IllegalStateException("container not started");
                })
                .build();

        @Test void neverRuns() { }
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    static class UnknownRouteName { @Test void test(@RouteName("nope") Route route) { } }

    @ChaosRoute(name = "a", upstream = "127.0.0.1:1")
    @ChaosRoute(name = "b", upstream = "127.0.0.1:2")
    static class AmbiguousRoute { @Test void test(Route route) { } }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    static class OverrideWithOtherUpstream {
        @Test @ChaosRoute(name = "db", upstream = "127.0.0.1:2", latency = "5ms") void test() { }
    }

    @ChaosRoute(name = "db", upstream = "127.0.0.1:1")
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
    static class HalfBadMethod {
        @Test
        @ChaosRoute(name = "good", upstream = "127.0.0.1:2")
        @ChaosRoute(name = "bad", upstream = "127.0.0.1:${no.such.thing}")
        void bad() { }

        @Test
        void good(io.chaosproxy.ChaosProxy proxy) {
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("db");
        }
    }
}
