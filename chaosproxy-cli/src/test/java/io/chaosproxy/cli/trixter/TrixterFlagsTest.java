package io.chaosproxy.cli.trixter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.chaosproxy.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Trixter's flags on our CLI: what starts the mode, what it prints, and the usage errors. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TrixterFlagsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Runs a new CLI (one CLI object parses once: its fields keep what the last run gave them). */
    private int run(String... args) {
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsTrixtersFlags() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--listen", "-l", "--upstream", "--api", "-a",
                "--delay-ms", "--throttle-rate-bytes", "--slice-size-bytes", "--terminate-probability-rate",
                "--corrupt-probability-rate", "--connection-duration-ms", "--random-seed", "Trixter mode");
    }

    @Test
    void theShortFlagsStartTheModeWithTheSeedPrintedAndNoToxiproxyApi() throws Exception {
        try (Upstream upstream = Upstream.echo();
                TrixterRun trixter = TrixterRun.start("-l", "127.0.0.1:0", "--upstream", upstream.address(),
                        "-a", "127.0.0.1:0", "--random-seed", "18446744073709551615")) {
            assertThat(trixter.out()).startsWith("random seed: 18446744073709551615\n")
                    .contains("route trixter listening on 127.0.0.1:" + trixter.port() + " -> " + upstream.address(),
                            "Trixter API on " + trixter.api());
            assertThat(trixter.running().proxy().seed()).isEqualTo(-1L);   // the same 64 bits
            assertThat(trixter.running().admin()).isNull();
            assertThat(trixter.running().proxy().routes()).hasSize(1);
            assertThat(trixter.get("/proxies").statusCode()).isEqualTo(404);
            assertThat(trixter.get("/version").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void withoutASeedARandomOneIsPrinted() throws Exception {
        try (Upstream upstream = Upstream.echo(); TrixterRun trixter = TrixterRun.to(upstream.address())) {
            assertThat(trixter.out()).startsWith("random seed: " + Long.toUnsignedString(
                    trixter.running().proxy().seed()) + "\n");
        }
    }

    @Test
    void ourSeedFlagWorksInTrixterModeButNotWithTheirs() throws Exception {
        try (Upstream upstream = Upstream.echo(); TrixterRun trixter = TrixterRun.to(upstream.address(),
                "--seed", "7")) {
            assertThat(trixter.out()).startsWith("random seed: 7\n");
        }
        assertThat(run("-l", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--seed", "1", "--random-seed", "2"))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("--seed and --random-seed are the same; give one");
    }

    @Test
    void withoutApiTheApiListensOnLoopbackPort8888() throws Exception {
        assumeTrue(isFree(8888), "port 8888 is in use on this machine");
        try (Upstream upstream = Upstream.echo();
                TrixterRun trixter = TrixterRun.start("--listen", "127.0.0.1:0", "--upstream", upstream.address())) {
            assertThat(trixter.api()).isEqualTo("http://127.0.0.1:8888");
            assertThat(trixter.get("/health").body()).isEqualTo("ok");
        }
    }

    @Test
    void testServerAnswersThroughTheTrixterRoute() throws Exception {
        int upstreamPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            upstreamPort = free.getLocalPort();
        }
        try (TrixterRun trixter = TrixterRun.to("127.0.0.1:" + upstreamPort, "--test-server")) {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + trixter.port() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.body()).isEqualTo(TrixterMode.ROUTE + "\n");
        }
    }

    @Test
    void aConfigFileDoesNotMixWithTrixtersFlags() {
        assertThat(run("--config", "../examples/configs/valid/basic.json", "--listen", "127.0.0.1:0",
                "--upstream", "127.0.0.1:9")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("--config cannot be mixed with Trixter's flags (--listen, --upstream)",
                "run one route in Trixter mode with --listen, --upstream and --api");
    }

    @Test
    void trixtersDashCIsOurConfigFileAndTheMessageSaysSo() {
        assertThat(run("-l", "127.0.0.1:0", "-c", "127.0.0.1:8181", "-a", "127.0.0.1:0"))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("-c names the config file here, not Trixter's upstream: give that with"
                + " --upstream");
    }

    @Test
    void ourAdminAndBindOptionsDoNotMixWithTrixtersFlagsEither() {
        assertThat(run("--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--admin", "127.0.0.1:0",
                "--bind", "0.0.0.0")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("--admin, --bind cannot be mixed with Trixter's flags");
        assertThat(run("--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--no-admin"))
                .isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("--no-admin cannot be mixed");
    }

    @Test
    void trixterModeNeedsBothListenAndUpstream() {
        assertThat(run("--listen", "127.0.0.1:0")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("--listen: Trixter mode needs both --listen and --upstream");
        assertThat(run("--delay-ms", "250")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("--delay-ms: Trixter mode needs both --listen and --upstream");
    }

    @Test
    void badValuesAreUsageErrorsNamingTheFlag() {
        String[] base = {"--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--api", "127.0.0.1:0"};
        expectUsageError(base, new String[] {"--terminate-probability-rate", "1.5"},
                "--terminate-probability-rate must be between 0.0 and 1.0 (got 1.5)");   // Trixter's words
        expectUsageError(base, new String[] {"--corrupt-probability-rate", "-0.5"},
                "--corrupt-probability-rate must be between 0.0 and 1.0 (got -0.5)");
        expectUsageError(base, new String[] {"--corrupt-probability-rate", "often"},
                "--corrupt-probability-rate: \"often\" is not a number");
        expectUsageError(base, new String[] {"--delay-ms", "-5"}, "--delay-ms: \"-5\" is not a number of");
        expectUsageError(base, new String[] {"--delay-ms", "86400001"}, "--delay-ms: 86400001 is over 86400000");
        expectUsageError(base, new String[] {"--connection-duration-ms", "1e3"}, "--connection-duration-ms:");
        expectUsageError(base, new String[] {"--throttle-rate-bytes", "10KiB"}, "--throttle-rate-bytes:");
        expectUsageError(base, new String[] {"--random-seed", "-1"}, "--random-seed: \"-1\" is not a seed");
        expectUsageError(new String[] {"--listen", "127.0.0.1", "--upstream", "127.0.0.1:9"}, new String[0],
                "--listen: \"127.0.0.1\" has no port");
        expectUsageError(new String[] {"--listen", "127.0.0.1:0", "--upstream", "nowhere"}, new String[0],
                "nowhere");
    }

    @Test
    void anApiAddressInUseExitsOneAndNamesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(run("--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:9", "--api",
                    "127.0.0.1:" + taken.getLocalPort())).isEqualTo(Main.EXIT_FAILURE);
            assertThat(err()).contains("Trixter API address 127.0.0.1:" + taken.getLocalPort()
                    + " is already in use; pick another with --api");
        }
    }

    private void expectUsageError(String[] base, String[] more, String message) {
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        assertThat(run(args)).as(String.join(" ", args)).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).as(String.join(" ", args)).contains(message);
    }

    private static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
