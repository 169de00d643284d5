package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.config.ConfigFormat;
import io.chaosproxy.config.ConfigLoader;
import io.chaosproxy.internal.RouteConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A config file's pool settings make the route the fluent API makes: every field maps to the {@link RouteBuilder}
 * method of its name. Compared as the engine gets them ({@link RouteConfig}), which only this package can see.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolConfigRoundTripTest {

    private static RouteConfig fromFile(String text, ConfigFormat format) {
        try (ChaosProxy proxy = ConfigLoader.load(text, format).start()) {
            return proxy.routes().get(0).runtime().config();
        }
    }

    private static RouteConfig fromBuilder(RouteBuilder route) {
        try (ChaosProxy proxy = route.start()) {
            return proxy.routes().get(0).runtime().config();
        }
    }

    @Test
    void everyPoolSettingOfTheFullFormatIsTheBuilderMethodOfItsName() {
        String yaml = """
                routes:
                  - name: app
                    localPorts: [0, 0, 0]
                    upstreams: ["127.0.0.1:7001", "127.0.0.1:7002", "localhost:7003"]
                    balancing: least_connections
                    healthCheck: {interval: 30s, timeout: 2s}
                    circuitBreaker: {failures: 3, coolDownMs: 10000}
                    maxConnections: 100
                    connectionRate: 50
                    connectTimeout: 1s
                    keepAlive: true
                    preconnect: 2
                    faults: [{type: latency, attributes: {latency: 100ms}}]
                    upstreamFaults:
                      "127.0.0.1:7002": [{type: latency, name: slow-7002, attributes: {latency: 300ms}}]
                      "localhost:7003": [{type: limit_data, attributes: {bytes: 10}}, {type: corrupt, attributes: {probability: 0.5}}]
                """;
        RouteConfig expected = fromBuilder(ChaosProxy.builder()
                .route(0, "127.0.0.1:7001", "127.0.0.1:7002", "localhost:7003").name("app").alsoListen(0, 0)
                .balancing(Balancing.LEAST_CONNECTIONS)
                .healthCheck(Duration.ofSeconds(30), Duration.ofSeconds(2))
                .circuitBreaker(3, Duration.ofSeconds(10))
                .maxConnections(100)
                .connectionRate(50)
                .connectTimeout(Duration.ofSeconds(1))
                .keepAlive(true)
                .preconnect(2)
                .latency(Duration.ofMillis(100))
                .upstreamFault("127.0.0.1:7002", Fault.latency(Duration.ofMillis(300)).named("slow-7002"))
                .upstreamFault("localhost:7003", Fault.limitData(10))
                .upstreamFault("localhost:7003", Fault.corrupt(0.5)));
        RouteConfig read = fromFile(yaml, ConfigFormat.YAML);
        assertThat(read).isEqualTo(expected);
        assertThat(read.pool()).isNotEqualTo(fromBuilder(ChaosProxy.builder().route(0, "127.0.0.1:7001")).pool());
    }

    @ParameterizedTest
    @CsvSource({"round_robin, ROUND_ROBIN", "RANDOM, RANDOM", "Least_Connections, LEAST_CONNECTIONS"})
    void balancingIsReadInAnyCase(String written, Balancing balancing) {
        String json = "{\"routes\": [{\"localPort\": 0, \"upstreams\": [\"127.0.0.1:7001\", \"127.0.0.1:7002\"],"
                + " \"balancing\": \"" + written + "\"}]}";
        assertThat(fromFile(json, ConfigFormat.JSON).pool().balancing()).isEqualTo(balancing);
    }

    /** The seeds' apps: round robin, their health check, every port, targets looked up for each connection. */
    @Test
    void anAppOfTheSeedsIsARouteOfEveryPortWithTheirHealthCheck() {
        String json = """
                {"Apps": [{"Name": "five-thousand", "Ports": [0, 0, 0, 0],
                           "Targets": ["127.0.0.1:5001", "localhost:5002"]}]}
                """;
        RouteConfig expected = fromBuilder(ChaosProxy.builder()
                .route(0, "127.0.0.1:5001", "localhost:5002").name("five-thousand").alsoListen(0, 0, 0)
                .balancing(Balancing.ROUND_ROBIN)
                .healthCheck(Duration.ofSeconds(30), Duration.ofSeconds(2))
                .resolveUpstreamOnConnect(true));
        assertThat(fromFile(json, ConfigFormat.JSON)).isEqualTo(expected);
    }
}
