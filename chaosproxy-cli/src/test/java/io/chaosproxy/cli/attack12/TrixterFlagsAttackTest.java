package io.chaosproxy.cli.attack12;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.cli.Main;
import io.chaosproxy.cli.trixter.TrixterMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Trixter's flags at their edges: probabilities that are not numbers or not in 0..1, values past what a u64 or
 * the engine holds, ports in use; each a clean exit code and a message naming the flag, with nothing left
 * running or bound.
 */
@Timeout(120)
class TrixterFlagsAttackTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--terminate-probability-rate|NaN|--terminate-probability-rate must be between 0.0 and 1.0 (got NaN)",
            "--corrupt-probability-rate|-0.1|--corrupt-probability-rate must be between 0.0 and 1.0 (got -0.1)",
            "--corrupt-probability-rate|1.0000001|must be between 0.0 and 1.0 (got 1.0000001)",
            "--corrupt-probability-rate|Infinity|must be between 0.0 and 1.0 (got Infinity)",
            "--corrupt-probability-rate|-Infinity|must be between 0.0 and 1.0 (got -Infinity)",
            "--corrupt-probability-rate|1e999|must be between 0.0 and 1.0 (got 1e999)",
            "--corrupt-probability-rate|half|--corrupt-probability-rate: \"half\" is not a number",
            "--delay-ms|86400001|--delay-ms: 86400001 is over 86400000 (1 day)",
            "--delay-ms|-5|--delay-ms: \"-5\" is not a number of milliseconds",
            "--delay-ms|18446744073709551616|--delay-ms: \"18446744073709551616\" is not a number of milliseconds",
            "--connection-duration-ms|86400001|--connection-duration-ms: 86400001 is over 86400000 (1 day)",
            "--throttle-rate-bytes|-1|--throttle-rate-bytes: \"-1\" is not a rate in bytes per second",
            "--slice-size-bytes|1.5|--slice-size-bytes: \"1.5\" is not a size in bytes",
            "--random-seed|-1|--random-seed: \"-1\" is not a seed",
            "--listen|127.0.0.1:65536|--listen: \"127.0.0.1:65536\" has no port in 0..65535",
            "--listen|8080|--listen: \"8080\" has no port in 0..65535",
            "--api|127.0.0.1:-1|--api: \"127.0.0.1:-1\" has no port in 0..65535"})
    void badValuesExitTwoNamingTheFlagAndBindNothing(String flag, String value, String message) throws Exception {
        int api = freePort();
        List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9",
                "--api", "127.0.0.1:" + api));
        int at = args.indexOf(flag);
        if (at >= 0) {
            args.set(at + 1, value);
        } else {
            args.addAll(List.of(flag, value));
        }
        Cli cli = Cli.run(args.toArray(String[]::new));
        assertThat(cli.exitCode()).as(cli.err()).isEqualTo(Main.EXIT_USAGE);
        assertThat(cli.err()).contains(message);
        assertThat(isFree(api)).as("the API's port").isTrue();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "--terminate-probability-rate|0|0.0",
            "--terminate-probability-rate|-0|-0.0",
            "--corrupt-probability-rate|1|1.0",
            "--corrupt-probability-rate|1e-400|0.0",
            "--throttle-rate-bytes|18446744073709551615|18446744073709551615",
            "--slice-size-bytes|18446744073709551615|18446744073709551615",
            "--delay-ms|86400000|86400000"})
    void edgeValuesThatAreAllowedStartAndShowAsGiven(String flag, String value, String shown) throws Exception {
        try (Echo upstream = new Echo(); Cli cli = Cli.trixter(upstream.address(), flag, value)) {
            Http api = new Http(cli.running().trixter().url());
            int port = cli.running().proxy().route(TrixterMode.ROUTE).localPort();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                JsonNode status = Awaitility.await().atMost(Duration.ofSeconds(10))
                        .until(() -> Http.json(api.get("/connections")), list -> list.size() == 1).get(0);
                String field = switch (flag) {
                    case "--terminate-probability-rate" -> "terminate_probability_rate";
                    case "--corrupt-probability-rate" -> "corrupt_probability_rate";
                    case "--throttle-rate-bytes" -> "throttle_rate";
                    case "--slice-size-bytes" -> "slice_size";
                    default -> "delay";
                };
                String text = field.equals("delay")
                        ? Long.toString(status.get("delay").get("secs").asLong() * 1000
                                + status.get("delay").get("nanos").asLong() / 1_000_000)
                        : status.get(field).toString();
                assertThat(text).isEqualTo(shown);
            }
        }
    }

    @Test
    void theLargestSeedIsPrintedAsGiven() throws Exception {
        try (Echo upstream = new Echo();
                Cli cli = Cli.run("--listen", "127.0.0.1:0", "--upstream", upstream.address(), "--api", "127.0.0.1:0",
                        "--random-seed", "18446744073709551615")) {
            cli.running();
            assertThat(cli.out()).contains("random seed: 18446744073709551615");
        }
    }

    @Test
    void aListenPortInUseExitsOneNamingItAndLeavesNothingRunning() throws Exception {
        int api = freePort();
        Set<String> threadsBefore = threadNames();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli cli = Cli.run("--listen", "127.0.0.1:" + taken.getLocalPort(), "--upstream", "127.0.0.1:9",
                    "--api", "127.0.0.1:" + api, "--test-server");
            assertThat(cli.exitCode()).as(cli.err()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(cli.err()).contains("port " + taken.getLocalPort() + " is already in use");
        }
        assertThat(isFree(api)).as("the API's port").isTrue();
        assertThat(isFree(9)).as("--test-server's upstream port").isTrue();
        assertNoNewThreads(threadsBefore);
    }

    @Test
    void anApiPortInUseExitsOneAndFreesTheListenPort() throws Exception {
        int listen = freePort();
        Set<String> threadsBefore = threadNames();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Cli cli = Cli.run("--listen", "127.0.0.1:" + listen, "--upstream", "127.0.0.1:9",
                    "--api", "127.0.0.1:" + taken.getLocalPort());
            assertThat(cli.exitCode()).as(cli.err()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(cli.err()).contains("Trixter API address 127.0.0.1:" + taken.getLocalPort());
        }
        assertThat(isFree(listen)).as("the listen port").isTrue();
        assertNoNewThreads(threadsBefore);
    }

    @Test
    void anApiHostThatDoesNotResolveIsAUsageErrorThatBindsNothing() throws Exception {
        int listen = freePort();
        Cli cli = Cli.run("--listen", "127.0.0.1:" + listen, "--upstream", "127.0.0.1:9",
                "--api", "no-such-host.invalid:8888");
        int code = cli.exitCode();
        System.out.println("--api no-such-host.invalid:8888: exit " + code + ", " + cli.err().strip());
        assertThat(cli.err()).contains("--api: \"no-such-host.invalid:8888\": unknown host no-such-host.invalid");
        assertThat(code).isEqualTo(Main.EXIT_USAGE);
        assertThat(isFree(listen)).as("the listen port").isTrue();
    }

    @Test
    void aListenHostThatDoesNotResolveIsAUsageErrorThatBindsNothing() throws Exception {
        int api = freePort();
        Cli cli = Cli.run("--listen", "no-such-host.invalid:0", "--upstream", "127.0.0.1:9",
                "--api", "127.0.0.1:" + api);
        int code = cli.exitCode();
        System.out.println("--listen no-such-host.invalid:0: exit " + code + ", " + cli.err().strip());
        assertThat(cli.err()).contains("--listen: \"no-such-host.invalid:0\": unknown host no-such-host.invalid");
        assertThat(code).isEqualTo(Main.EXIT_USAGE);
        assertThat(isFree(api)).as("the API's port").isTrue();
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("chaos-proxy") || name.startsWith("trixter-api"))
                .collect(Collectors.toSet());
    }

    private static void assertNoNewThreads(Set<String> before) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(threadNames())
                .as("threads left running").isSubsetOf(before));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return port < 1024;   // a privileged port cannot be bound here at all: nothing of ours holds it
        }
    }
}
