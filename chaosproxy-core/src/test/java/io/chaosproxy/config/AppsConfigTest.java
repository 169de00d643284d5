package io.chaosproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import io.chaosproxy.TcpServer;
import io.chaosproxy.Upstream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The seeds' "apps" format, read as their tools wrote it: routes, ports, targets, health checks and every problem. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AppsConfigTest {

    /** The example of the seed's README, as it stands (tabs and all), with a second app and loopback targets. */
    private static final String SEED_JSON = """
            {
              "Apps": [
                {
            	    "Name": "app name",
                  "Ports": [
                    5001,
                    5200,
                    5300,
                    5400
                  ],
                  "Targets": [
                    "127.0.0.1:1234",
                    "127.0.0.1:5678"
                  ]
                },
                {
                  "Name": "six-thousand",
                  "Ports": [6001],
                  "Targets": ["127.0.0.1:6001", "127.0.0.1:6002", "bad.target.for.testing.invalid:6003"]
                }
              ]
            }
            """;

    private static List<String> problems(String text, ConfigFormat format) {
        return catchThrowableOfType(() -> ConfigLoader.load(text, format), ConfigException.class)
                .problems().stream().map(ConfigException.Problem::toString).toList();
    }

    /** A server that answers each connection with {@code name} and closes. */
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
    void theSeedsJsonIsOneRoutePerAppListeningOnEveryPort() {
        // The file's ports are checked, then each is bound as an ephemeral one, so that the test needs none free.
        try (ChaosProxy proxy = ConfigLoader.load(SEED_JSON, "<seed>", port -> 0).start()) {
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("app name", "six-thousand");
            Route app = proxy.route("app name");
            assertThat(app.localPorts()).hasSize(4).doesNotHaveDuplicates().allSatisfy(p -> assertThat(p).isPositive());
            assertThat(app.localPorts().get(0)).isEqualTo(app.localPort());
            assertThat(app.upstreams()).extracting(Upstream::address).containsExactly("127.0.0.1:1234", "127.0.0.1:5678");
            assertThat(proxy.route("six-thousand").upstreams()).extracting(Upstream::address).containsExactly(
                    "127.0.0.1:6001", "127.0.0.1:6002", "bad.target.for.testing.invalid:6003");
        }
    }

    @Test
    void lowerCaseKeysInYamlReadAsTheSeedsGoYamlWroteThem() {
        String yaml = """
                apps:
                  - name: five-thousand
                    ports: [0, 0]
                    targets: [127.0.0.1:5001, 127.0.0.1:5002]
                """;
        try (ChaosProxy proxy = ConfigLoader.load(yaml, ConfigFormat.YAML).start()) {
            Route app = proxy.route("five-thousand");
            assertThat(app.localPorts()).hasSize(2).doesNotHaveDuplicates();
            assertThat(app.upstreams()).extracting(Upstream::address).containsExactly("127.0.0.1:5001", "127.0.0.1:5002");
        }
    }

    /**
     * The seeds' health check runs from the start (its first probe at once), so a dead target is skipped before a
     * client meets it; a target whose host does not resolve does not fail the start, as the seeds' tools dialled
     * by name. Every client is served by the live target, on every port.
     */
    @Test
    void aDeadTargetIsFoundByTheHealthCheckAndAnUnknownHostDoesNotFailTheStart() throws Exception {
        int dead = freePort();
        try (TcpServer live = identity("live")) {
            String json = "{\"Apps\": [{\"Name\": \"app\", \"Ports\": [0, 0, 0], \"Targets\": [\"127.0.0.1:" + dead
                    + "\", \"" + live.address() + "\", \"no-such-host.invalid:6003\"]}]}";
            try (ChaosProxy proxy = ConfigLoader.load(json, ConfigFormat.JSON).start()) {
                Route app = proxy.route("app");
                await().atMost(10, TimeUnit.SECONDS).until(() -> !app.upstream("127.0.0.1:" + dead).healthy()
                        && !app.upstream("no-such-host.invalid:6003").healthy());
                assertThat(app.upstream(live.address()).healthy()).isTrue();
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    for (int port : app.localPorts()) {
                        answers.add(answer(port));
                    }
                }
                assertThat(answers).hasSize(9).containsOnly("live");
                assertThat(app.upstream("127.0.0.1:" + dead).connectFailures()).isZero();   // skipped, not tried
            }
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The other seed's config, as its README lists it: a target several times is no problem (their "broken" app). */
    @Test
    void theOtherSeedsConfigReadsAsIsTargetsGivenSeveralTimesToo() {
        String json = """
                {"Apps": [
                  {"Name": "five-thousand", "Ports": [5001, 5200, 5300, 5400],
                   "Targets": ["tcp-echo.fly.dev:5001", "tcp-echo.fly.dev:5002"]},
                  {"Name": "six-thousand", "Ports": [6001, 6200, 6300, 6400],
                   "Targets": ["tcp-echo.fly.dev:6001", "tcp-echo.fly.dev:6002", "bad.target.for.testing:6003"]},
                  {"Name": "seven-thousand", "Ports": [7001, 7200, 7300, 7400],
                   "Targets": ["tcp-echo.fly.dev:7001", "tcp-echo.fly.dev:7002"]},
                  {"Name": "broken", "Ports": [8001], "Targets": ["bad.target.for.testing:6003",
                   "bad.target.for.testing:6003", "bad.target.for.testing:6003", "bad.target.for.testing:6003"]}
                ]}
                """;
        assertThat(ConfigLoader.load(json, ConfigFormat.JSON)).isNotNull();   // read without a look-up: no network
    }

    @Test
    void aTargetGivenTwiceGetsTwoTurns() throws Exception {
        try (TcpServer a = identity("a"); TcpServer b = identity("b")) {
            String json = "{\"Apps\": [{\"Name\": \"app\", \"Ports\": [0], \"Targets\": [\"" + a.address() + "\", \""
                    + a.address() + "\", \"" + b.address() + "\"]}]}";
            try (ChaosProxy proxy = ConfigLoader.load(json, ConfigFormat.JSON).start()) {
                List<String> answers = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    answers.add(answer(proxy.route("app").localPort()));
                }
                assertThat(answers).containsExactly("a", "a", "b", "a", "a", "b");
            }
        }
    }

    @Test
    void everyProblemOfAnAppsFileIsReportedAtItsPlace() {
        assertThat(problems("""
                {"Apps": [
                  {"Name": "a", "Ports": [5001, 5001, 70000, "x"], "Targets": ["127.0.0.1:1", "127.0.0.1:1"]},
                  {"Name": "a", "Ports": [5001], "Targets": ["db.local", 7]},
                  {"Name": " ", "Ports": [], "Targets": [], "Target": "127.0.0.1:2"},
                  {"Ports": 5002},
                  "app"
                ]}
                """, ConfigFormat.JSON)).containsExactly(
                "Apps[0].Ports[1] (line 2, column 33): 5001 is given twice; give each port once",
                "Apps[0].Ports[2] (line 2, column 39): 70000 is outside 0..65535",
                "Apps[0].Ports[3] (line 2, column 46): \"x\" is not a whole number; expected a port in 0..65535"
                        + " (0 for an ephemeral one)",
                "Apps[1].Name (line 3, column 12): \"a\" is used by Apps[0] too; app names must be unique",
                "Apps[1].Ports[0] (line 3, column 27): 5001 is used by Apps[0] too; give each app its own ports"
                        + " (or 0 for an ephemeral one)",
                "Apps[1].Targets[0] (line 3, column 46): \"db.local\" has no port; expected host:port, ip:port or"
                        + " [ipv6]:port",
                "Apps[1].Targets[1] (line 3, column 58): 7 is not a string; expected host:port, ip:port or"
                        + " [ipv6]:port",
                "Apps[2].Name (line 4, column 12): \" \" is blank; give each app a name",
                "Apps[2].Ports (line 4, column 26): the list is empty; give at least one port",
                "Apps[2].Targets (line 4, column 41): the list is empty; give at least one target",
                "Apps[2].Target (line 4, column 45): is not a known field; allowed here: Name, Ports, Targets",
                "Apps[3].Name (line 5, column 3): is missing; expected the app's name, unique within the file",
                "Apps[3].Targets (line 5, column 3): is missing; expected a list of host:port, each a target of"
                        + " the app",
                "Apps[3].Ports (line 5, column 13): 5002 is not a list; expected a list of ports in 0..65535",
                "Apps[4] (line 6, column 3): \"app\" is not an object; expected {...} with named fields");
    }

    @Test
    void fieldNamesAreMatchedInAnyCaseAndNamedAsTheFileSpellsThem() {
        assertThat(problems("{\"apps\": [], \"routes\": []}", ConfigFormat.JSON)).containsExactly(
                "apps (line 1, column 10): the list of apps is empty; add at least one app",
                "routes (line 1, column 14): is not a known field; allowed here: Apps");
        assertThat(problems("{\"APPS\": {\"Name\": \"a\"}}", ConfigFormat.JSON)).containsExactly(
                "APPS (line 1, column 10): an object is not a list; expected a list of apps, each {Name, Ports,"
                        + " Targets}");
        assertThat(problems("""
                apps:
                  - {Name: a, name: b, ports: [0], TARGETS: ["127.0.0.1:1"]}
                """, ConfigFormat.YAML)).containsExactly(
                "apps[0].Name (line 2, column 15): appears twice (as Name too; field names are read in any case);"
                        + " give each field once");
    }
}
