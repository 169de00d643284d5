package io.chaosproxy;

import static io.chaosproxy.FaultTestSupport.millisSince;
import static io.chaosproxy.FaultTestSupport.payload;
import static io.chaosproxy.FaultTestSupport.sender;
import static io.chaosproxy.FaultTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaosproxy.config.ConfigException;
import io.chaosproxy.config.ConfigFormat;
import io.chaosproxy.config.ConfigLoader;
import io.chaosproxy.fault.LatencyDistribution;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Network profiles: their faults, applying and removing them on a route, config files, and real sockets. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NetworkProfileTest {

    @Test
    void slow3gIsHalfItsRoundTripEachWayAndItsBandwidthEachWay() {
        assertThat(NetworkProfile.SLOW_3G.faults()).containsExactly(
                Fault.latency(Duration.ofMillis(200)).named("slow-3g:latency_downstream"),
                Fault.bandwidth(50_000).named("slow-3g:bandwidth_downstream"),
                Fault.latency(Duration.ofMillis(200)).direction(Direction.UPSTREAM).named("slow-3g:latency_upstream"),
                Fault.bandwidth(50_000).direction(Direction.UPSTREAM).named("slow-3g:bandwidth_upstream"));
        assertThat(NetworkProfile.SATELLITE.faults()).extracting(Fault::name).containsExactly(
                "satellite:latency_downstream", "satellite:loss_downstream",
                "satellite:latency_upstream", "satellite:loss_upstream");
        assertThat(NetworkProfile.FLAKY_WIFI.faults().get(0)).isEqualTo(Fault.latency(Duration.ofMillis(20))
                .jitter(Duration.ofMillis(20)).distribution(LatencyDistribution.PARETO_NORMAL).correlation(0.25)
                .named("flaky-wifi:latency_downstream"));
        assertThat(NetworkProfile.named("SLOW_3G")).contains(NetworkProfile.SLOW_3G);
        assertThat(NetworkProfile.named("flaky-wifi")).contains(NetworkProfile.FLAKY_WIFI);
        assertThat(NetworkProfile.named("5g")).isEmpty();
    }

    /**
     * 200,000 bytes at Slow 3G's 50,000 bytes/s take 4.0 s, plus 200 ms of latency on the way down (1 MiB measured
     * 21,164 ms against 21,172 expected; the test keeps to 4 s). A loaded machine is only ever slower: the upper bound
     * is loose, the lower one is the check.
     */
    @Test
    void aMebibyteThroughSlow3gTakesItsBandwidthsTime() throws Exception {
        byte[] data = payload(3, 200_000);
        try (TcpServer upstream = sender(data, true);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .profile(NetworkProfile.SLOW_3G).start()) {
            long start = System.nanoTime();
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                byte[] received = client.getInputStream().readAllBytes();
                long took = millisSince(start);
                double expected = 200_000 * 1000.0 / 50_000 + 200;
                System.out.printf("MEASURE profile slow-3g 200,000 B download took=%d ms expected=%.0f ms%n", took, expected);
                assertThat(sha256(received)).isEqualTo(sha256(data));
                assertThat((double) took).isBetween(expected * 0.9, expected * 2);
            }
        }
    }

    /** DSL's 50 ms RTT: one byte there and back through an echo takes it, and not much more. */
    @Test
    void aRoundTripThroughDslTakesItsRoundTripTime() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .profile(NetworkProfile.DSL).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(0);   // the first round trip also waits for the upstream's connect: not the link's time
            assertThat(in.read()).isZero();
            long start = System.nanoTime();
            out.write(1);
            assertThat(in.read()).isEqualTo(1);
            long took = millisSince(start);
            System.out.printf("MEASURE profile dsl echo round trip took=%d ms expected=50 ms%n", took);
            assertThat(took).isBetween(50L, 2_000L);   // the lower bound is the check; a loaded machine adds
        }
    }

    @Test
    void applyingAProfileReplacesTheLastOneAndKeepsTheRoutesOwnFaults() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("app")
                        .fault(Fault.corrupt(0.0).named("mine")).profile(NetworkProfile.SLOW_3G).start()) {
            Route route = proxy.route("app");
            route.applyProfile(NetworkProfile.SATELLITE);
            assertThat(route.faults()).extracting(Fault::name).containsExactly("mine",
                    "satellite:latency_downstream", "satellite:loss_downstream",
                    "satellite:latency_upstream", "satellite:loss_upstream");
            route.removeProfile();
            assertThat(route.faults()).extracting(Fault::name).containsExactly("mine");
            route.restoreFaults();
            assertThat(route.faults()).hasSize(5).first().extracting(Fault::name).isEqualTo("mine");
        }
    }

    @Test
    void applyingAProfileNeverLosesAFaultAnotherThreadAddsMeanwhile() throws Exception {
        int added = 2000;
        try (ChaosProxy proxy = ChaosProxy.builder().route(0, "127.0.0.1:9").name("app").start()) {
            Route route = proxy.route("app");
            var adder = Async.runAsync(() -> {
                for (int i = 0; i < added; i++) {
                    route.addFault(Fault.corrupt(0.0).named("mine-" + i));
                }
            });
            NetworkProfile[] profiles = NetworkProfile.values();
            for (int i = 0; !adder.isDone(); i++) {
                route.applyProfile(profiles[i % profiles.length]);
                route.removeProfile();
            }
            adder.get(30, TimeUnit.SECONDS);
            assertThat(route.faults()).extracting(Fault::name).hasSize(added).allMatch(n -> n.startsWith("mine-"));
        }
    }

    @Test
    void aProfileGivenTwiceToABuilderClashes() {
        assertThatThrownBy(() -> ChaosProxy.builder().route(0, "127.0.0.1:1")
                .profile(NetworkProfile.DSL).profile(NetworkProfile.DSL))
                .isInstanceOf(DuplicateException.class).hasMessageContaining("dsl:latency_downstream");
    }

    @Test
    void aConfigFileRouteTakesAProfileBehindItsFaults() {
        String yaml = """
                routes:
                  - name: mobile
                    localPort: 0
                    upstream: 127.0.0.1:1
                    profile: fast-3g
                    faults:
                      - type: latency
                        name: jittery
                        attributes: { latency: 100ms, jitter: 20ms, distribution: pareto, correlation: 0.25 }
                      - type: latency
                        name: wiremock
                        direction: upstream
                        attributes: { latency: 100ms, distribution: lognormal, sigma: 0.5 }
                """;
        try (ChaosProxy proxy = ConfigLoader.load(yaml, ConfigFormat.YAML).start()) {
            List<Fault> faults = proxy.route("mobile").faults();
            assertThat(faults.subList(0, 2)).containsExactly(
                    Fault.latency(Duration.ofMillis(100)).jitter(Duration.ofMillis(20))
                            .distribution(LatencyDistribution.PARETO).correlation(0.25).named("jittery"),
                    Fault.latency(Duration.ofMillis(100)).lognormal(0.5).direction(Direction.UPSTREAM)
                            .named("wiremock"));
            assertThat(faults.subList(2, faults.size())).isEqualTo(NetworkProfile.FAST_3G.faults());
        }
    }

    @Test
    void aConfigFileNamesAnUnknownProfileAndAMisplacedSigma() {
        String yaml = """
                routes:
                  - localPort: 0
                    upstream: 127.0.0.1:1
                    profile: 5g
                    faults:
                      - type: latency
                        attributes: { latency: 100ms, jitter: 20ms, distribution: normal, sigma: 0.5 }
                """;
        assertThatThrownBy(() -> ConfigLoader.load(yaml, ConfigFormat.YAML))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].profile (line 4, column 14): \"5g\" is not a network profile;"
                        + " expected one of slow-3g, fast-3g, dsl, satellite, flaky-wifi")
                .hasMessageContaining("sigma: 0.5 is for the lognormal distribution only");
    }

}
