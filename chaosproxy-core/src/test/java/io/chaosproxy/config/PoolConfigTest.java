package io.chaosproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import io.chaosproxy.TcpServer;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A route of the full format with several ports and upstreams, its pool's settings and per-upstream faults:
 * served through real sockets, and every problem reported at its place.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PoolConfigTest {

    private static List<String> problems(String yaml) {
        return catchThrowableOfType(() -> ConfigLoader.load(yaml, ConfigFormat.YAML), ConfigException.class)
                .problems().stream().map(ConfigException.Problem::toString).toList();
    }

    private static TcpServer identity(String name) {
        return TcpServer.start(socket -> {
            socket.getOutputStream().write(name.getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            socket.getInputStream().readAllBytes();
        });
    }

    private static String answer(int port) throws IOException {
        try (Socket client = Sockets.connect(port)) {
            return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyPortServesEveryUpstreamInTurnWithItsOwnFaults() throws Exception {
        try (TcpServer alpha = identity("alpha"); TcpServer bravo = identity("bravo")) {
            String yaml = """
                    routes:
                      - name: app
                        localPorts: [0, 0]
                        upstreams: ["%s", "%s"]
                        balancing: ROUND_ROBIN
                        upstreamFaults:
                          "%s":
                            - {type: limit_data, attributes: {bytes: 2}}
                    """.formatted(alpha.address(), bravo.address(), bravo.address());
            try (ChaosProxy proxy = ConfigLoader.load(yaml, ConfigFormat.YAML).start()) {
                Route app = proxy.route("app");
                assertThat(app.localPorts()).hasSize(2);
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    for (int port : app.localPorts()) {
                        answers.add(answer(port));
                    }
                }
                // Only bravo's connections get its fault: two bytes of its answer, then the close.
                assertThat(answers).containsExactly("alpha", "br", "alpha", "br");
                assertThat(app.upstream(bravo.address()).faults()).containsExactly(Fault.limitData(2));
                assertThat(app.upstream(alpha.address()).faults()).isEmpty();
            }
        }
    }

    @Test
    void everyProblemOfThePoolSettingsIsReportedAtItsPlace() {
        assertThat(problems("""
                routes:
                  - localPorts: [18400, 18400, -1]
                    upstreams: ["127.0.0.1:1", " 127.0.0.1:1", "db.local"]
                    balancing: fastest
                    healthCheck: {interval: 0s, timoeut: 2s}
                    circuitBreaker: {failures: 0, coolDown: 10}
                    maxConnections: 0
                    connectionRate: 2147483648
                    connectTimeoutMs: 0
                    keepAlive: "yes"
                    preconnect: 1025
                  - localPorts: [18400]
                    upstreams: []
                  - localPort: 0
                    localPorts: [0]
                    upstream: 127.0.0.1:1
                    upstreams: ["127.0.0.1:2"]
                  - localPorts: []
                    upstreams: ["127.0.0.1:1", "127.0.0.1:2"]
                    faults: [{type: latency, attributes: {latency: 1ms}}]
                    upstreamFaults:
                      "127.0.0.1:3": []
                      "127.0.0.1:2":
                        - {type: latency, attributes: {latency: 2ms}}
                        - {type: drop, attributes: {probability: 0.5}}
                        - {type: drop, attributes: {probability: 0.1}}
                """)).containsExactly(
                "routes[0].localPorts[1] (line 2, column 25): 18400 is given twice; give each port once",
                "routes[0].localPorts[2] (line 2, column 32): -1 is outside 0..65535; 0 picks an ephemeral port",
                "routes[0].upstreams[2] (line 3, column 48): \"db.local\" has no port; expected host:port, ip:port"
                        + " or [ipv6]:port",
                "routes[0].balancing (line 4, column 16): \"fastest\" is not a balancing; expected round_robin,"
                        + " random or least_connections",
                "routes[0].healthCheck.timeout (line 5, column 18): is missing; give it as \"250ms\", \"2s\"...,"
                        + " or as whole milliseconds in timeoutMs",
                "routes[0].healthCheck.interval (line 5, column 29): \"0s\" is not positive; give more than 0",
                "routes[0].healthCheck.timoeut (line 5, column 33): is not a known field; allowed here: interval,"
                        + " intervalMs, timeout, timeoutMs",
                "routes[0].circuitBreaker.failures (line 6, column 32): 0 is outside 1..2147483647",
                "routes[0].circuitBreaker.coolDown (line 6, column 45): 10 has no unit; write \"10ms\", or use"
                        + " coolDownMs for whole milliseconds",
                "routes[0].maxConnections (line 7, column 21): 0 is outside 1..2147483647",
                "routes[0].connectionRate (line 8, column 21): 2147483648 is outside 1..2147483647",
                "routes[0].connectTimeoutMs (line 9, column 23): 0 is not positive; give more than 0",
                "routes[0].keepAlive (line 10, column 16): \"yes\" is not a boolean; expected true or false",
                "routes[0].preconnect (line 11, column 17): 1025 is outside 0..1024",
                "routes[1].localPorts[0] (line 12, column 18): 18400 is used by routes[0] too; give each route its"
                        + " own port (or 0 for an ephemeral one)",
                "routes[1].upstreams (line 13, column 16): the list is empty; give at least one upstream",
                "routes[2].localPorts (line 15, column 17): is given with localPort too; give localPort for one port"
                        + " or localPorts for several",
                "routes[2].upstreams (line 17, column 16): is given with upstream too; give upstream for one target"
                        + " or upstreams for several",
                "routes[3].localPorts (line 18, column 17): the list is empty; give at least one port",
                "routes[3].upstreamFaults.127.0.0.1:3 (line 22, column 7): \"127.0.0.1:3\" is not an upstream of"
                        + " this route; its upstreams are [127.0.0.1:1, 127.0.0.1:2]",
                "routes[3].upstreamFaults.127.0.0.1:2[0] (line 24, column 11): name \"latency_downstream\" is used"
                        + " by this route's faults[0] too; give it another name",
                "routes[3].upstreamFaults.127.0.0.1:2[2] (line 26, column 11): name \"drop_downstream\" is used by"
                        + " upstreamFaults.127.0.0.1:2[1] too; give it another name");
    }
}
