package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaosproxy.fault.Bandwidth;
import io.chaosproxy.fault.Slicer;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every duration, rate and size has a documented maximum, checked at construction: the maximum is accepted and
 * really works, one more is rejected with a message, so nothing can overflow later in the engine.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BoundsTest {
    private static final Duration MAX = Fault.MAX_DURATION;
    private static final Duration ONE_NANO_TOO_LONG = MAX.plusNanos(1);
    private static final String TOO_LONG = "is too long; at most 86400000ms (1 day)";

    private static Arguments fault(String what, Function<Duration, Fault> make) {
        return Arguments.of(what, make);
    }

    static Stream<Arguments> everyFaultDuration() {
        return Stream.of(
                fault("latency", Fault::latency),
                fault("latency jitter", d -> Fault.latency(Duration.ZERO).jitter(d)),
                fault("slicer delay", d -> Fault.slicer(10, 0, d)),
                fault("timeout", Fault::timeout),
                fault("resetPeer timeout", Fault::resetPeer),
                fault("slowClose delay", Fault::slowClose),
                fault("maxLifetime", Fault::maxLifetime),
                fault("connectDelay", Fault::connectDelay),
                fault("loss retransmitDelay", d -> Fault.loss(0.1).retransmitDelay(d)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyFaultDuration")
    void everyFaultDurationTakesOneDayAndNotANanosecondMore(String what, Function<Duration, Fault> make) {
        assertThatCode(() -> make.apply(MAX)).doesNotThrowAnyException();
        assertThatThrownBy(() -> make.apply(MAX.plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(what + " 86400001ms " + TOO_LONG);
        assertThatThrownBy(() -> make.apply(ONE_NANO_TOO_LONG))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(what + " PT24H0.000000001S " + TOO_LONG);
        assertThatThrownBy(() -> make.apply(java.time.temporal.ChronoUnit.FOREVER.getDuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(what + " PT").hasMessageEndingWith(TOO_LONG);
    }

    @Test
    void latencyAndJitterTogetherStayWithinADay() {
        Duration hour = Duration.ofHours(1);
        assertThatCode(() -> Fault.latency(MAX.minus(hour)).jitter(hour)).doesNotThrowAnyException();
        assertThatThrownBy(() -> Fault.latency(MAX.minus(hour)).jitter(hour.plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("latency + jitter 86400001ms " + TOO_LONG);
        assertThatThrownBy(() -> Fault.latency(MAX).jitter(Duration.ofNanos(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("latency + jitter PT24H0.000000001S " + TOO_LONG);
    }

    @Test
    void slicerSizesStayWithin64MiB() {
        assertThat(Slicer.MAX_SIZE).isEqualTo(64 << 20);
        assertThatCode(() -> Fault.slicer(Slicer.MAX_SIZE, Slicer.MAX_SIZE, Duration.ZERO))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Fault.slicer(Slicer.MAX_SIZE + 1, 0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slicer averageSize 67108865 bytes is too large; at most 67108864 bytes");
        // The sizes that used to overflow (average + variation past Integer.MAX_VALUE) never get to a stage.
        assertThatThrownBy(() -> Fault.slicer(Integer.MAX_VALUE, Integer.MAX_VALUE - 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slicer averageSize 2147483647 bytes is too large; at most 67108864 bytes");
        // A variation up to and past the average is Toxiproxy's to give (its node client's own test: 1000 ± 1000).
        assertThatCode(() -> Fault.slicer(1000, 1000, Duration.ZERO)).doesNotThrowAnyException();
        assertThatCode(() -> Fault.slicer(1, Slicer.MAX_SIZE, Duration.ZERO)).doesNotThrowAnyException();
        assertThatThrownBy(() -> Fault.slicer(1, Slicer.MAX_SIZE + 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slicer sizeVariation 67108865 bytes is too large; at most 67108864 bytes");
        assertThatThrownBy(() -> Fault.slicer(100, -1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("slicer sizeVariation -1 is negative; use 0 or more");
    }

    @Test
    void bandwidthStaysWithinOneTerabytePerSecond() {
        assertThatCode(() -> Fault.bandwidth(Bandwidth.MAX_BYTES_PER_SECOND)).doesNotThrowAnyException();
        assertThatThrownBy(() -> Fault.bandwidth(Bandwidth.MAX_BYTES_PER_SECOND + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bandwidth 1000000000001 bytes/s is too large; at most 1000000000000 bytes/s");
        assertThatThrownBy(() -> Fault.bandwidth(Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bandwidth 9223372036854775807 bytes/s is too large");
    }

    @Test
    void limitDataTakesAnyCount() {
        assertThat(Fault.limitData(Long.MAX_VALUE).bytes()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void routeShortcutsNameTheRouteInTheirComplaint() {
        RouteBuilder route = ChaosProxy.builder().route(0, "127.0.0.1:9").name("db");
        assertThatThrownBy(() -> route.latency(MAX, Duration.ofMillis(1)))
                .hasMessage("route 'db': latency + jitter 86400001ms " + TOO_LONG);
        assertThatThrownBy(() -> route.maxLifetime(MAX.plusMillis(1)))
                .hasMessage("route 'db': maxLifetime 86400001ms " + TOO_LONG);
        assertThatThrownBy(() -> route.slicer(Slicer.MAX_SIZE + 1, 0, Duration.ZERO))
                .hasMessage("route 'db': slicer averageSize 67108865 bytes is too large; at most 67108864 bytes");
        assertThatThrownBy(() -> route.bandwidth(Long.MAX_VALUE))
                .hasMessageStartingWith("route 'db': bandwidth 9223372036854775807 bytes/s is too large");
    }

    @Test
    void proxySettingsHaveTheirMaximaToo() {
        ChaosProxy.Builder builder = ChaosProxy.builder();
        assertThatCode(() -> builder.connectTimeout(MAX).shutdownTimeout(MAX)
                .highWaterMark(ChaosProxy.Builder.MAX_HIGH_WATER_MARK)).doesNotThrowAnyException();
        assertThatThrownBy(() -> builder.connectTimeout(MAX.plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("connectTimeout: 86400001ms " + TOO_LONG);
        assertThatThrownBy(() -> builder.shutdownTimeout(MAX.plusMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("shutdownTimeout: 86400001ms " + TOO_LONG);
        assertThatThrownBy(() -> builder.highWaterMark(ChaosProxy.Builder.MAX_HIGH_WATER_MARK + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("highWaterMark: 1073741825 bytes is more than 1073741824 (1 GiB)");
        assertThatThrownBy(() -> builder.highWaterMark(Long.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("highWaterMark: 9223372036854775807 bytes is more than");
    }

    @Test
    void theLongestLatencyStillDelaysUntilItIsRemoved() throws Exception {
        assertHeldUntilCleared(Fault.latency(MAX));
    }

    @Test
    void theLongestJitteredLatencyStillDelaysUntilItIsRemoved() throws Exception {
        // delay + jitter at the maximum: once the sum wrapped past Long.MAX_VALUE nanoseconds and meant no delay.
        Duration hour = Duration.ofHours(1);
        assertHeldUntilCleared(Fault.latency(MAX.minus(hour)).jitter(hour));
    }

    /** A byte echoed through a route with {@code fault} is not back within 500 ms; cleared, it comes at once. */
    private static void assertHeldUntilCleared(Fault fault) throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(42).shutdownTimeout(Duration.ZERO)
                        .route(0, upstream.address()).fault(fault).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            client.getOutputStream().write(7);
            client.setSoTimeout(500);
            assertThatThrownBy(() -> client.getInputStream().read())
                    .as("the echo must be held by the latency").isInstanceOf(SocketTimeoutException.class);
            proxy.routes().get(0).clearFaults();
            client.setSoTimeout(20_000);
            assertThat(client.getInputStream().read()).as("released when the fault is removed").isEqualTo(7);
        }
    }
}
