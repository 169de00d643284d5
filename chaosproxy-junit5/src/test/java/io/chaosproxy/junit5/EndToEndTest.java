package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Bytes through real sockets: an echo upstream behind routes the extension starts. */
@Timeout(60)
class EndToEndTest {
    static final String ECHO_PORT = "chaosproxy.e2e.echo.port";
    static EchoServer echo;

    @BeforeAll
    static void startEcho() throws IOException {
        echo = new EchoServer();
        System.setProperty(ECHO_PORT, String.valueOf(echo.port()));
    }

    @AfterAll
    static void stopEcho() throws IOException {
        System.clearProperty(ECHO_PORT);
        echo.close();
    }

    @Test
    void latencyFromTheAnnotationDelaysEveryRoundTrip() {
        Kit.run(Latency.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    }

    @Test
    void dropRateOneClosesEveryConnection() {
        Kit.run(Drops.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    }

    @Test
    void programmaticRouteTakesItsUpstreamFromASupplierAtStart() {
        Kit.run(FromSupplier.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    }

    @Test
    void fixturesRunInParallelModeEachWithItsOwnProxy() {
        ParallelA.ports.clear();
        EngineExecutionResults results = Kit.runInParallel(ParallelA.class, ParallelB.class, ParallelC.class);

        // Tests of one class share its proxy, so a method route is visible to its concurrent siblings:
        // they pick routes by name.
        assertThat(Kit.failureMessages(results.allEvents())).isEmpty();
        results.testEvents().assertStatistics(s -> s.succeeded(12).failed(0));
        results.containerEvents().assertStatistics(s -> s.failed(0));
        assertThat(ParallelA.ports).hasSize(3 + 3);   // one port per class route, one per method route
        assertThat(ParallelA.ports).allSatisfy(port -> assertThat(Kit.portIsFree(port)).isTrue());
    }

    @ChaosRoute(name = "echo", upstream = "127.0.0.1:${" + ECHO_PORT + "}", latency = "300ms")
    static class Latency {
        @Test
        void roundTripTakesAtLeastTheLatency(Route echo) throws IOException {
            long started = System.nanoTime();
            assertThat(Kit.roundTrip(echo.localPort(), "ping")).isEqualTo("ping");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(
                    Duration.ofMillis(300), Duration.ofSeconds(5));
        }
    }

    @ChaosRoute(name = "echo", upstream = "127.0.0.1:${" + ECHO_PORT + "}", dropRate = 1.0)
    @ChaosSeed(1)
    static class Drops {
        @Test
        void everyConnectionEndsWithoutAnAnswer(Route echo) throws IOException {
            for (int i = 0; i < 3; i++) {
                try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), echo.localPort())) {
                    socket.setSoTimeout(10_000);
                    InputStream in = socket.getInputStream();
                    try {
                        socket.getOutputStream().write('x');
                        assertThat(in.read()).isEqualTo(-1);
                    } catch (IOException reset) {
                        // a dropped connection may also show as a reset when the byte arrived first
                    }
                }
            }
            assertThat(echo.metrics().droppedConnections()).isEqualTo(3);
        }
    }

    static class FromSupplier {
        @RegisterExtension
        static ChaosProxyExtension chaos = ChaosProxyExtension.builder()
                .route("echo", () -> "127.0.0.1:" + echo.port(), r -> r.latency(Duration.ofMillis(50)))
                .seed(3)
                .build();

        @Test
        void forwards(ChaosProxy proxy, Route route) throws IOException {
            assertThat(proxy.seed()).isEqualTo(3);
            assertThat(route.upstream()).isEqualTo(echo.address());
            assertThat(Kit.roundTrip(route.localPort(), "hello")).isEqualTo("hello");
        }
    }

    @ChaosRoute(name = "echo", upstream = "127.0.0.1:${" + ECHO_PORT + "}", latency = "20ms")
    static class ParallelA {
        static final Set<Integer> ports = ConcurrentHashMap.newKeySet();

        @Test void one(@RouteName("echo") Route echo) throws IOException { check(echo); }

        @Test void two(@RouteName("echo") Route echo) throws IOException { check(echo); }

        @Test void three(ChaosProxy proxy) throws IOException { check(proxy.route("echo")); }

        @Test
        @ChaosRoute(name = "extra", upstream = "127.0.0.1:${" + ECHO_PORT + "}")
        void withAMethodRoute(@RouteName("extra") Route extra) throws IOException {
            check(extra);
        }

        static void check(Route route) throws IOException {
            ports.add(route.localPort());
            assertThat(Kit.roundTrip(route.localPort(), route.name() + "-" + Thread.currentThread().getName()))
                    .startsWith(route.name());
        }
    }

    @ChaosRoute(name = "echo", upstream = "127.0.0.1:${" + ECHO_PORT + "}", latency = "20ms")
    static class ParallelB extends ParallelA {
    }

    @ChaosRoute(name = "echo", upstream = "127.0.0.1:${" + ECHO_PORT + "}", latency = "20ms")
    static class ParallelC extends ParallelA {
    }
}
