package io.chaosproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.fault.Bandwidth;
import io.chaosproxy.fault.Slicer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A value past its documented maximum is a {@link ConfigException} naming the field; the maximum itself loads. */
class ConfigBoundsTest {

    private static String routeWith(String fault) {
        return "routes:\n  - {localPort: 0, upstream: \"127.0.0.1:9\", faults: [" + fault + "]}\n";
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{type: latency, attributes: {latency: 25h}}               | attributes.latency | \"25h\" is too long; at most 24h",
        "{type: latency, attributes: {latencyMs: 86400001}}        | attributes.latencyMs | 86400001 is too long; at most 86400000 (1 day)",
        "{type: latency, attributes: {latency: 24h, jitter: 1ms}}  | attributes | latency + jitter 86400001ms is too long; at most 86400000ms (1 day)",
        "{type: timeout, attributes: {timeout: 1441m}}             | attributes.timeout | \"1441m\" is too long; at most 24h",
        "{type: loss, attributes: {probability: 0.1, retransmit_delay_ms: 100000000}} | attributes.retransmit_delay_ms | 100000000 is too long; at most 86400000 (1 day)",
        "{type: slicer, attributes: {average_size: 67108865}}      | attributes.average_size | 67108865 is outside 1..67108864",
        "{type: slicer, attributes: {average_size: 10, size_variation: 2147483647}} | attributes.size_variation | 2147483647 is outside 0..67108864",
        "{type: bandwidth, attributes: {rate: 1000000001}}         | attributes.rate | 1000000001 is outside 0..1000000000",
        "{type: bandwidth, attributes: {bytesPerSecond: 9223372036854775807}} | attributes.bytesPerSecond | 9223372036854775807 is outside 0..1000000000000",
    })
    void faultValuesPastTheirMaximumAreProblems(String fault, String path, String message) {
        assertSingleProblem(routeWith(fault), "routes[0].faults[0]." + path, 2, message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "connectTimeout: 25h          | connectTimeout | \"25h\" is too long; at most 24h",
        "shutdownTimeoutMs: 86400001  | shutdownTimeoutMs | 86400001 is too long; at most 86400000 (1 day)",
        "highWaterMark: 1073741825    | highWaterMark | 1073741825 is outside 65536..1073741824",
    })
    void settingsPastTheirMaximumAreProblems(String setting, String path, String message) {
        assertSingleProblem(setting + "\nroutes: [{localPort: 0, upstream: \"127.0.0.1:9\"}]\n", path, 1, message);
    }

    private static void assertSingleProblem(String yaml, String path, int line, String message) {
        assertThatThrownBy(() -> ConfigLoader.load(yaml, ConfigFormat.YAML))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).singleElement()
                        .satisfies(problem -> {
                            assertThat(problem.path()).isEqualTo(path);
                            assertThat(problem.line()).isEqualTo(line);
                            assertThat(problem.message()).isEqualTo(message);
                        }));
    }

    @Test
    void originalLatencyMsPastADayIsAProblem() {
        String json = "[{\"localPort\": 8180, \"upstream\": \"127.0.0.1:9\", \"latencyMs\": 86400001}]";
        assertThatThrownBy(() -> ConfigLoader.load(json, ConfigFormat.JSON))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].latencyMs (line 1, ")
                .hasMessageEndingWith("): 86400001 is too long; at most 86400000 (1 day)");
    }

    @Test
    void everyMaximumItselfLoads() {
        String yaml = """
                connectTimeout: 24h
                shutdownTimeoutMs: 86400000
                highWaterMark: 1073741824
                routes:
                  - localPort: 0
                    upstream: 127.0.0.1:9
                    faults:
                      - {type: latency, attributes: {latency: 23h, jitter: 1h}}
                      - {type: slicer, attributes: {average_size: 67108864, size_variation: 67108864, delay: 24h}}
                      - {type: bandwidth, attributes: {rate: 1000000000}}
                      - {type: bandwidth, name: b2, attributes: {bytesPerSecond: 1000000000000}}
                      - {type: limit_data, attributes: {bytes: 9223372036854775807}}
                      - {type: max_lifetime, attributes: {lifetimeMs: 86400000}}
                """;
        try (ChaosProxy proxy = ConfigLoader.load(yaml, ConfigFormat.YAML).start()) {
            assertThat(proxy.routes().get(0).faults()).containsExactly(
                    Fault.latency(Duration.ofHours(23)).jitter(Duration.ofHours(1)),
                    Fault.slicer(Slicer.MAX_SIZE, Slicer.MAX_SIZE, Fault.MAX_DURATION),
                    Fault.bandwidth(Bandwidth.MAX_BYTES_PER_SECOND),
                    Fault.bandwidth(Bandwidth.MAX_BYTES_PER_SECOND).named("b2"),
                    Fault.limitData(Long.MAX_VALUE),
                    Fault.maxLifetime(Fault.MAX_DURATION));
        }
    }
}
