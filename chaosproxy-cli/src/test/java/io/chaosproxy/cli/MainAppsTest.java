package io.chaosproxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Route;
import io.chaosproxy.cli.Main.Running;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The seeds' "apps" files run by the CLI, as their tools ran them: every port serves, spread over the targets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MainAppsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String answer(int port) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(20_000);
            return new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Two rounds over every port of {@code route}, counted by the target that answered. */
    private static Map<String, Long> answersOverEveryPort(Route route) throws IOException {
        List<String> answers = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int port : route.localPorts()) {
                answers.add(answer(port));
            }
        }
        return answers.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The seed's JSON as its README shows it, with ephemeral ports (0) so that the test needs none free. */
    @Test
    void theSeedsAppsJsonStartsAndServesOnEveryPortSpreadOverTheTargets() throws Exception {
        try (IdentityServer a = new IdentityServer("a"); IdentityServer b = new IdentityServer("b");
                IdentityServer c = new IdentityServer("c")) {
            String dead = "127.0.0.1:" + deadPort();
            Path file = Files.writeString(dir.resolve("config.json"), """
                    {
                      "Apps": [
                        {
                          "Name": "five-thousand",
                          "Ports": [0, 0, 0, 0],
                          "Targets": ["%s", "%s"]
                        },
                        {
                          "Name": "six-thousand",
                          "Ports": [0, 0],
                          "Targets": ["%s", "%s"]
                        }
                      ]
                    }
                    """.formatted(a.address(), b.address(), dead, c.address()));
            CompletableFuture<Integer> exit = io.chaosproxy.cli.Async.supplyAsync(() -> main.run("--config", file.toString(),
                    "--admin", "127.0.0.1:0", "--shutdown-timeout", "100ms"));
            Running running = main.started().get(30, TimeUnit.SECONDS);
            Route five = running.proxy().route("five-thousand");
            Route six = running.proxy().route("six-thousand");
            assertThat(five.localPorts()).hasSize(4).doesNotHaveDuplicates();
            assertThat(out()).contains("route five-thousand listening on " + five.localPorts().stream()
                    .map(port -> "127.0.0.1:" + port).collect(Collectors.joining(", "))
                    + " -> " + a.address() + ", " + b.address());
            assertThat(out()).contains("route six-thousand listening on 127.0.0.1:" + six.localPorts().get(0)
                    + ", 127.0.0.1:" + six.localPorts().get(1) + " -> " + dead + ", " + c.address());

            assertThat(answersOverEveryPort(five)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 4L, "b", 4L));
            // The dead target is skipped (found by the health check) or failed over: no client sees it.
            assertThat(answersOverEveryPort(six)).containsExactlyInAnyOrderEntriesOf(Map.of("c", 4L));

            List<Integer> ports = new ArrayList<>(five.localPorts());
            ports.addAll(six.localPorts());
            main.shutdown();
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
            for (int port : ports) {
                new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();   // every port is free again
            }
        }
    }

    /** The seed's YAML, read with the seed's short option: keys in lower case, as Go's YAML reader wants them. */
    @Test
    void lowerCaseYamlAppsStartWithTheShortOption() throws Exception {
        try (IdentityServer a = new IdentityServer("a"); IdentityServer b = new IdentityServer("b")) {
            Path file = Files.writeString(dir.resolve("other_config.yaml"), """
                    apps:
                      - name: seven-thousand
                        ports: [0, 0]
                        targets: ["%s", "%s"]
                    """.formatted(a.address(), b.address()));
            CompletableFuture<Integer> exit = io.chaosproxy.cli.Async.supplyAsync(() -> main.run("-c", file.toString(),
                    "--no-admin", "--shutdown-timeout", "100ms"));
            Route route = main.started().get(30, TimeUnit.SECONDS).proxy().route("seven-thousand");
            assertThat(answersOverEveryPort(route)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 2L, "b", 2L));
            main.shutdown();
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void aBadAppsFileExitsTwoWithEveryProblemAtItsPlaceAndBindsNothing() throws Exception {
        Path file = Files.writeString(dir.resolve("config.json"), """
                {"Apps": [
                  {"Name": "a", "Ports": [5001, 5001], "Targets": []},
                  {"Name": "a", "Ports": [5001], "Targets": ["echo-server"]}
                ]}
                """);
        assertThat(main.run("-c", file.toString(), "--no-admin")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("has 5 problems",
                "Apps[0].Ports[1] (line 2, column 33): 5001 is given twice; give each port once",
                "Apps[0].Targets (line 2, column 51): the list is empty; give at least one target",
                "Apps[1].Name (line 3, column 12): \"a\" is used by Apps[0] too; app names must be unique",
                "Apps[1].Ports[0] (line 3, column 27): 5001 is used by Apps[0] too",
                "Apps[1].Targets[0] (line 3, column 46): \"echo-server\" has no port");
        assertThat(out()).doesNotContain("listening");
    }

    @Test
    void helpNamesTheSeedsShortOption() {
        assertThat(main.run("--help")).isZero();
        assertThat(out()).contains("-c, --config=FILE");
    }

    /** With {@code --test-server} every target of an app answers, so that each port works through curl at once. */
    @Test
    void testServersAnswerOnEveryTargetOfAnApp() throws Exception {
        Path file = Files.writeString(dir.resolve("config.json"), "{\"Apps\": [{\"Name\": \"web\", \"Ports\": [0, 0],"
                + " \"Targets\": [\"127.0.0.1:" + deadPort() + "\", \"127.0.0.1:" + deadPort() + "\"]}]}");
        CompletableFuture<Integer> exit = io.chaosproxy.cli.Async.supplyAsync(() -> main.run("-c", file.toString(),
                "--test-server", "--no-admin", "--shutdown-timeout", "100ms"));
        Route web = main.started().get(30, TimeUnit.SECONDS).proxy().route("web");
        for (int round = 0; round < 2; round++) {
            for (int port : web.localPorts()) {
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    client.setSoTimeout(20_000);
                    // HTTP/1.0: one request per connection, so that each one is balanced anew.
                    client.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    String response = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(response).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nweb\n");
                }
            }
        }
        assertThat(web.upstreams()).allSatisfy(upstream -> assertThat(upstream.connectionsTotal()).isEqualTo(2));
        main.shutdown();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }
}
