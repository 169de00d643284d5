package io.chaosproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.fault.DropMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ConfigLoaderTest {

    private static List<Fault> faultsOf(String yaml) {
        try (ChaosProxy proxy = ConfigLoader.load(yaml, ConfigFormat.YAML).start()) {
            return proxy.routes().get(0).faults();
        }
    }

    @Test
    void originalLatencyMsIsAConnectDelayAndDropRateADrop() {
        String json = "[{\"localPort\": 1, \"upstream\": \"127.0.0.1:9090\", \"dropRate\": 0.25, \"latencyMs\": 300}]";
        try (ChaosProxy proxy = ConfigLoader.load(json, "<test>", port -> 0).start()) {
            assertThat(proxy.routes().get(0).faults()).containsExactly(
                    Fault.drop(0.25), Fault.connectDelay(Duration.ofMillis(300)));
        }
    }

    @Test
    void everyFaultTypeReadsToTheValueTheFluentApiMakes() {
        List<Fault> faults = faultsOf("""
                routes:
                  - localPort: 0
                    upstream: 127.0.0.1:9090
                    faults:
                      - {type: latency, name: slow, direction: both, toxicity: 0.5, attributes: {latency: 100ms, jitterMs: 20}}
                      - {type: bandwidth, attributes: {rate: 64}}
                      - {type: bandwidth, name: b2, attributes: {bytesPerSecond: 1500}}
                      - {type: slicer, attributes: {average_size: 100, size_variation: 20, delay: 1ms}}
                      - {type: timeout, attributes: {timeout: 0s}}
                      - {type: reset_peer, attributes: {timeout: 2s}}
                      - {type: slow_close, attributes: {delay: 500ms}}
                      - {type: limit_data, direction: upstream, attributes: {bytes: 1024}}
                      - {type: corrupt, attributes: {probability: 0.01}}
                      - {type: terminate, attributes: {probability: 0.001}}
                      - {type: max_lifetime, attributes: {lifetime: 1m, reset: true}}
                      - {type: connect_delay, attributes: {delay: 1.5s}}
                      - {type: loss, attributes: {probability: 0.1, retransmit_delay_ms: 50}}
                      - {type: drop, attributes: {probability: 0.2, mode: hang}}
                """);
        assertThat(faults).containsExactly(
                Fault.latency(Duration.ofMillis(100)).jitter(Duration.ofMillis(20)).named("slow")
                        .direction(Direction.BOTH).toxicity(0.5),
                Fault.bandwidth(64_000),
                Fault.bandwidth(1500).named("b2"),
                Fault.slicer(100, 20, Duration.ofMillis(1)),
                Fault.timeout(Duration.ZERO),
                Fault.resetPeer(Duration.ofSeconds(2)),
                Fault.slowClose(Duration.ofMillis(500)),
                Fault.limitData(1024).direction(Direction.UPSTREAM),
                Fault.corrupt(0.01),
                Fault.terminate(0.001),
                Fault.maxLifetime(Duration.ofMinutes(1)).reset(true),
                Fault.connectDelay(Duration.ofMillis(1500)),
                Fault.loss(0.1).retransmitDelay(Duration.ofMillis(50)),
                Fault.drop(0.2).mode(DropMode.HANG));
    }

    @Test
    void settingsReachTheProxyAndTheBuilderCanBeExtended() {
        String yaml = """
                seed: 42
                bindAddress: 127.0.0.1
                shutdownTimeoutMs: 0
                routes: [{name: db, localPort: 0, upstream: "127.0.0.1:5432"}]
                """;
        try (ChaosProxy proxy = ConfigLoader.load(yaml, ConfigFormat.YAML)
                .route(0, "127.0.0.1:6379").name("redis").start()) {
            assertThat(proxy.seed()).isEqualTo(42);
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("db", "redis");
            assertThat(proxy.route("db").localAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void aDisabledRouteRefusesUntilEnabled() {
        String json = "{\"routes\": [{\"localPort\": 0, \"upstream\": \"127.0.0.1:9090\", \"enabled\": false}]}";
        try (ChaosProxy proxy = ConfigLoader.load(json, ConfigFormat.JSON).start()) {
            Route route = proxy.routes().get(0);
            assertThat(route.isEnabled()).isFalse();
            route.enable();
            assertThat(route.isEnabled()).isTrue();
        }
    }

    @Test
    void aDurationWithoutAUnitOrGivenTwiceIsAProblem() {
        assertThatThrownBy(() -> ConfigLoader.load("""
                connectTimeout: 5
                shutdownTimeout: 1s
                shutdownTimeoutMs: 1000
                routes: [{localPort: 0, upstream: "127.0.0.1:1"}]
                """, ConfigFormat.YAML))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("connectTimeout (line 1, column 17): 5 has no unit; write \"5ms\"")
                .hasMessageContaining("shutdownTimeoutMs (line 3, column 20): is given with shutdownTimeout too");
    }

    @Test
    void invalidSyntaxGivesTheParsersMessageWithLineAndColumn() {
        assertThatThrownBy(() -> ConfigLoader.load("routes: [ {localPort: 0\n", ConfigFormat.YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).singleElement().satisfies(p -> {
                        assertThat(p.line()).isPositive();
                        assertThat(p.column()).isPositive();
                        assertThat(p.message()).startsWith("syntax: ");
                    });
                });
    }

    @Test
    void anEmptyDocumentOrAnUnknownExtensionIsAProblem() {
        assertThatThrownBy(() -> ConfigLoader.load("", ConfigFormat.JSON))
                .isInstanceOf(ConfigException.class).hasMessageContaining("the document is empty");
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("routes.toml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown extension; use .json, .yaml or .yml");
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("no-such-dir", "routes.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("routes.yaml has 1 problem")
                .hasMessageContaining("does not exist (looked in ")
                .hasMessageContaining(Path.of("no-such-dir").toAbsolutePath().toString())
                .hasMessageNotContaining("Exception");
    }

    @Test
    void originalZeroDropRateAndLatencyAddNoFault() {
        // The original tool's "dropRate": 0.0, "latencyMs": 0 mean none: nothing to list in GET /proxies or count.
        String json = "[{\"localPort\": 1, \"upstream\": \"127.0.0.1:9090\", \"dropRate\": 0.0, \"latencyMs\": 0}]";
        try (ChaosProxy proxy = ConfigLoader.load(json, "<test>", port -> 0).start()) {
            assertThat(proxy.routes().get(0).faults()).isEmpty();
        }
    }

    @Test
    void nestingDeeperThanAConfigCanBeIsAProblemNotAStackOverflow() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> ConfigLoader.load(deep, ConfigFormat.JSON))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .hasToString("line 1, column 51: syntax: lists and objects nested more than 50 levels deep;"
                                + " a config needs six"));
        assertThatThrownBy(() -> ConfigLoader.load("- ".repeat(100_000) + "1", ConfigFormat.YAML))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nested more than 50 levels deep");
    }

    @Test
    void anExplicitTagOnAValueOfAnotherKindIsAProblem() {
        String yaml = "routes: [{localPort: 0, upstream: 127.0.0.1:9090, enabled: !!bool maybe,"
                + " dropRate: !!float half}]";
        assertThatThrownBy(() -> ConfigLoader.load(yaml, ConfigFormat.YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .map(ConfigException.Problem::message).containsExactly(
                                "maybe is not a boolean; expected true or false",
                                "half is not a number; expected a number in 0.0..1.0"));
    }

    @Test
    void durationsTakeEveryUnit() {
        assertThat(DurationText.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(DurationText.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(DurationText.parse("1.5m")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationText.parse("500us")).isEqualTo(Duration.ofNanos(500_000));
        assertThat(DurationText.parse("7ns")).isEqualTo(Duration.ofNanos(7));
        assertThatThrownBy(() -> DurationText.parse("-1s")).hasMessage("\"-1s\" is negative; use 0 or more");
        assertThatThrownBy(() -> DurationText.parse("soon")).hasMessageStartingWith("\"soon\" is not a duration");
    }
}
