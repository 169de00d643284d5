package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every bad input fails with a message naming the route, the field, the value and what is allowed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {

    @ParameterizedTest
    @ValueSource(ints = {-1, 65536, 100_000})
    void portOutsideItsRangeIsRejected(int port) {
        assertThatThrownBy(() -> ChaosProxy.builder().route(port, "127.0.0.1:9"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route 'route-0': localPort " + port + " is outside 0..65535; use 0 for an ephemeral port");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, 1.5, Double.NaN, Double.POSITIVE_INFINITY})
    void dropRateOutsideZeroToOneIsRejected(double rate) {
        assertThatThrownBy(() -> ChaosProxy.builder().route(0, "127.0.0.1:9").name("redis").dropRate(rate))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route 'redis': dropRate " + rate + " is outside 0.0..1.0");
    }

    @Test
    void negativeLatencyIsRejected() {
        assertThatThrownBy(() -> ChaosProxy.builder().route(0, "127.0.0.1:9").latency(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route 'route-0': latency -5ms is negative; use 0 or more");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''                | upstream is empty; expected host:port, ip:port or [ipv6]:port",
        "'   '             | upstream is empty; expected host:port, ip:port or [ipv6]:port",
        "db.local          | upstream \"db.local\" has no port; expected host:port, ip:port or [ipv6]:port",
        ":5432             | upstream \":5432\" has no host; expected host:port, ip:port or [ipv6]:port",
        "db.local:http     | upstream \"db.local:http\" has a port that is not a number; expected host:port, ip:port or [ipv6]:port",
        "db.local:0        | upstream \"db.local:0\" has port 0, outside 1..65535; expected host:port, ip:port or [ipv6]:port",
        "db.local:70000    | upstream \"db.local:70000\" has port 70000, outside 1..65535; expected host:port, ip:port or [ipv6]:port",
        "::1:80            | upstream \"::1:80\" looks like an IPv6 address without brackets; expected host:port, ip:port or [ipv6]:port",
        "[::1]             | upstream \"[::1]\" has no port after the bracketed address; expected host:port, ip:port or [ipv6]:port",
    })
    void malformedUpstreamIsRejected(String upstream, String problem) {
        assertThatThrownBy(() -> ChaosProxy.builder().route(0, upstream))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route 'route-0': " + problem);
    }

    @Test
    void nullUpstreamIsRejectedWithAMessage() {
        assertThatThrownBy(() -> ChaosProxy.builder().route(0, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upstream is empty");
    }

    @Test
    void noRoutesFailsStartAndSaysWhatToDo() {
        assertThatThrownBy(() -> ChaosProxy.builder().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no routes").hasMessageContaining("route(localPort");
    }

    @Test
    void noRoutesStartsWhenAllowedAndRoutesCanBeAddedLater() {
        try (ChaosProxy proxy = ChaosProxy.builder().allowNoRoutes().start()) {
            assertThat(proxy.routes()).isEmpty();
            proxy.addRoute(0, "127.0.0.1:9", r -> r.name("later"));
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("later");
        }
    }

    @Test
    void sameLocalPortTwiceIsRejected() {
        assertThatThrownBy(() -> ChaosProxy.builder()
                        .route(18180, "127.0.0.1:9").name("api")
                        .route(18180, "127.0.0.1:10").name("web")
                        .start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route 'web': localPort 18180 is used by route 'api' too; use another port or 0");
    }

    @Test
    void sameNameTwiceIsRejected() {
        assertThatThrownBy(() -> ChaosProxy.builder()
                        .route(0, "127.0.0.1:9").name("db")
                        .route(0, "127.0.0.1:10").name("db")
                        .start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("route 'db': name is used by routes[0] too; route names must be unique");
    }

    @Test
    void unknownHostFailsStartNamingRouteAndHost() {
        assertThatThrownBy(() -> ChaosProxy.builder().route(0, "no-such-host.invalid:5432").name("db").start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("route 'db': upstream \"no-such-host.invalid:5432\": unknown host no-such-host.invalid");
        assertThat(Sockets.proxyThreads()).isEmpty();
    }

    @Test
    void portInUseFailsStartAndLeavesNothingBound() throws Exception {
        int free = Sockets.freePort();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int busy = taken.getLocalPort();
            assertThatThrownBy(() -> ChaosProxy.builder()
                            .route(free, "127.0.0.1:9").name("first")
                            .route(busy, "127.0.0.1:9").name("api")
                            .start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("port " + busy + " is already in use (route 'api'); pick a free port or 0 for an ephemeral one");
        }
        assertThat(Sockets.canBind(free)).as("the first route's port was released").isTrue();
        assertThat(Sockets.proxyThreads()).isEmpty();
    }

    @Test
    void badProxySettingsAreRejected() {
        ChaosProxy.Builder builder = ChaosProxy.builder();
        assertThatThrownBy(() -> builder.connectTimeout(Duration.ZERO))
                .hasMessage("connectTimeout: 0ms is not positive");
        assertThatThrownBy(() -> builder.shutdownTimeout(Duration.ofSeconds(-1)))
                .hasMessage("shutdownTimeout: -1000ms is negative; use 0 or more");
        assertThatThrownBy(() -> builder.acceptBacklog(0)).hasMessage("acceptBacklog: 0 is less than 1");
        assertThatThrownBy(() -> builder.eventLoops(0)).hasMessage("eventLoops: 0 is outside 1..64");
        assertThatThrownBy(() -> builder.bindAddress("no-such-host.invalid"))
                .hasMessageContaining("bindAddress: \"no-such-host.invalid\"");
        assertThatThrownBy(() -> builder.route(0, "127.0.0.1:9").name(" "))
                .hasMessage("route 'route-0': name is blank; give a name or leave the default");
    }

    @Test
    void durationsTooLongToTimeAreRejected() {
        Duration forever = java.time.temporal.ChronoUnit.FOREVER.getDuration();
        assertThatThrownBy(() -> ChaosProxy.builder().route(0, "127.0.0.1:9").name("db").latency(forever))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("route 'db': latency PT").hasMessageContaining("is too long; at most");
        assertThatThrownBy(() -> ChaosProxy.builder().shutdownTimeout(forever))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shutdownTimeout: PT");
        assertThatThrownBy(() -> ChaosProxy.builder().connectTimeout(forever))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout: PT");
    }
}
