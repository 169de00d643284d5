package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Route;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A class-level {@code @ChaosRoute} whose upstream is a server the class starts itself in {@code @BeforeAll}: the
 * proxy waits for the {@code ${..}} until the class is first used.
 */
@Timeout(60)
class DeferredStartTest {
    static final AtomicInteger PORT_SEEN_BY_CONSTRUCTOR = new AtomicInteger();
    static volatile int routePort;

    @Test
    void anUpstreamStartedInBeforeAllIsReachedThroughTheClassRoute() {
        EngineExecutionResults results = Kit.run(OwnsItsUpstream.class);

        assertThat(Kit.failureMessages(results.allEvents())).isEmpty();
        results.testEvents().assertStatistics(s -> s.succeeded(3).failed(0));
        // The routes' system properties were there when the first instance was made (Spring reads them then).
        assertThat(PORT_SEEN_BY_CONSTRUCTOR.get()).isEqualTo(routePort).isPositive();
        assertThat(System.getProperty("chaosproxy.api.port")).isNull();   // withdrawn with the class
        assertThat(Kit.portIsFree(routePort)).isTrue();
    }

    @Test
    void aClassWhoseTestsNeverRunBindsNothing() {
        EngineExecutionResults results = Kit.run(AllDisabledByAFailingBeforeAll.class);

        results.testEvents().assertStatistics(s -> s.started(0));
        assertThat(Kit.failureMessages(results.containerEvents())).singleElement().asString()
                .contains("the upstream did not start").doesNotContain("${deferred.never.set}");
    }

    @ChaosRoute(name = "api", upstream = "127.0.0.1:${deferred.echo.port}")
    static class OwnsItsUpstream {
        static EchoServer upstream;

        OwnsItsUpstream() {
            PORT_SEEN_BY_CONSTRUCTOR.compareAndSet(0, Integer.getInteger("chaosproxy.api.port", -1));
        }

        @BeforeAll
        static void startUpstream() throws IOException {
            upstream = new EchoServer();
            System.setProperty("deferred.echo.port", String.valueOf(upstream.port()));
        }

        @AfterAll
        static void stopUpstream() throws IOException {
            System.clearProperty("deferred.echo.port");
            upstream.close();
        }

        @BeforeEach
        void remember(Route api) {
            routePort = api.localPort();
        }

        @Test
        void bytesGoThroughTheRoute(Route api) throws IOException {
            assertThat(Kit.roundTrip(api.localPort(), "through")).isEqualTo("through");
            assertThat(upstream.accepted()).isPositive();
        }

        @Test
        void theRouteIsTheSameForEveryTest(Route api) {
            assertThat(api.localPort()).isEqualTo(routePort);
        }

        @Nested
        class Inner {
            @Test
            void nestedTestsUseTheSameRoute(Route api) throws IOException {
                assertThat(api.localPort()).isEqualTo(routePort);
                assertThat(Kit.roundTrip(api.localPort(), "nested")).isEqualTo("nested");
            }
        }
    }

    @ChaosRoute(name = "late", upstream = "127.0.0.1:${deferred.never.set}")
    static class AllDisabledByAFailingBeforeAll {
        @BeforeAll
        static void failBeforeTheUpstreamIsSet() {
            throw new IllegalStateException("the upstream did not start");
        }

        @Test
        void neverRuns() {
        }
    }
}
