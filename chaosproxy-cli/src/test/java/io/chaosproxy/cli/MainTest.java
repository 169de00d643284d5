package io.chaosproxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.cli.Main.Running;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI run in-process: options, exit codes, messages, start and graceful stop. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Runs the CLI on another thread until it is up. */
    private CompletableFuture<Integer> runInBackground(String... args) {
        return io.chaosproxy.cli.Async.supplyAsync(() -> main.run(args));
    }

    @Test
    void helpListsEveryOptionAndExitsZero() {
        assertThat(main.run("--help")).isZero();
        assertThat(out()).contains("-c, --config=FILE", "--admin", "--no-admin", "--test-server",
                "--shutdown-timeout", "--seed", "--verbose", "--quiet", "--version", "Exit codes");
        // the original tool's single-dash spellings work (see below) but are not listed: each option shows once
        assertThat(out()).doesNotContainPattern("[\\s\\[,]-(config|test-server|verbose|quiet)\\b");
    }

    @Test
    void versionIsPrinted() {
        assertThat(main.run("--version")).isZero();
        assertThat(out()).contains("chaos-proxy");
    }

    @Test
    void unknownOptionExitsTwo() {
        assertThat(main.run("--frobnicate")).isEqualTo(2);
        assertThat(err()).contains("--frobnicate");
    }

    @Test
    void badAdminAddressExitsTwo() {
        assertThat(main.run("--admin", "localhost")).isEqualTo(2);
        assertThat(err()).contains("localhost", "HOST:PORT");
    }

    @Test
    void badShutdownTimeoutExitsTwo() {
        assertThat(main.run("--shutdown-timeout", "soon")).isEqualTo(2);
        assertThat(err()).contains("soon");
    }

    @Test
    void shutdownTimeoutReadsTheOneDurationGrammarAndBareMilliseconds() throws Exception {
        Main.DurationConverter converter = new Main.DurationConverter();
        assertThat(converter.convert("500")).isEqualTo(java.time.Duration.ofMillis(500));   // as it always did
        assertThat(converter.convert("2s")).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(converter.convert("1.5m")).isEqualTo(java.time.Duration.ofSeconds(90));   // as config files
        assertThat(converter.convert("250us")).isEqualTo(java.time.Duration.ofNanos(250_000));
        assertThat(main.run("--shutdown-timeout", "1.5x")).isEqualTo(2);
        assertThat(err()).contains("\"1.5x\" is not a duration", "\"250ms\"", "or a whole number of milliseconds");
        assertThat(main.run("--shutdown-timeout", "25h")).isEqualTo(2);
        assertThat(err()).contains("\"25h\" is too long; at most 24h");
    }

    @Test
    void verboseAndQuietTogetherExitTwo() {
        assertThat(main.run("--verbose", "--quiet", "--no-admin")).isEqualTo(2);
        assertThat(err()).contains("--verbose", "--quiet");
    }

    @Test
    void adminPortInUseExitsOneAndNamesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(main.run("--admin", "127.0.0.1:" + taken.getLocalPort())).isEqualTo(1);
            assertThat(err()).contains("127.0.0.1:" + taken.getLocalPort(), "in use");
        }
    }

    @Test
    void startsEmptyIsDrivenThroughTheAdminApiAndStopsWithExitZero() throws Exception {
        CompletableFuture<Integer> exit = runInBackground("--admin", "127.0.0.1:0", "--shutdown-timeout", "0s");
        Running running = main.started().get(30, TimeUnit.SECONDS);
        assertThat(out()).contains("admin API on " + running.admin().url());
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(running.admin().url() + "/proxies"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"web\",\"listen\":\"127.0.0.1:0\","
                        + "\"upstream\":\"127.0.0.1:9\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        int adminPort = running.admin().address().getPort();
        int routePort = running.proxy().route("web").localPort();
        main.shutdown();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(out()).contains("stopped");
        // every port is free again
        new ServerSocket(adminPort, 1, InetAddress.getLoopbackAddress()).close();
        new ServerSocket(routePort, 1, InetAddress.getLoopbackAddress()).close();
    }

    @Test
    void badConfigExitsTwoWithEveryProblemAndBindsNothing() {
        Path file = Path.of("../examples/configs/invalid/invalid_drop_rate.json");
        assertThat(main.run("--config", file.toString(), "--no-admin")).isEqualTo(2);
        assertThat(err()).contains("routes[0].dropRate", "1.5 is outside 0.0..1.0");
        assertThat(out()).doesNotContain("listening");
    }

    @Test
    void missingConfigFileExitsTwo() {
        assertThat(main.run("-config", "no-such-file.json", "--no-admin")).isEqualTo(2);
        assertThat(err()).contains("no-such-file.json");
    }

    @Test
    void routePortInUseExitsOneAndNamesIt(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path file = Files.writeString(dir.resolve("routes.json"), "[{\"localPort\": " + taken.getLocalPort()
                    + ", \"upstream\": \"127.0.0.1:9\", \"dropRate\": 0.0, \"latencyMs\": 0}]");
            assertThat(main.run("--config", file.toString(), "--no-admin")).isEqualTo(1);
            assertThat(err()).contains("port " + taken.getLocalPort(), "in use");
        }
    }

    @Test
    void configRoutesStartWithTestServersAndAnswerThroughTheProxy(@TempDir Path dir) throws Exception {
        int upstreamPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            upstreamPort = free.getLocalPort();
        }
        Path file = Files.writeString(dir.resolve("routes.yaml"), "routes:\n  - name: web\n    localPort: 0\n"
                + "    upstream: 127.0.0.1:" + upstreamPort + "\n");
        CompletableFuture<Integer> exit = runInBackground("-config", file.toString(), "-test-server",
                "--admin", "127.0.0.1:0", "--seed", "42", "--shutdown-timeout", "100ms");
        Running running = main.started().get(30, TimeUnit.SECONDS);
        int port = running.proxy().route("web").localPort();
        assertThat(out()).contains("route web listening on 127.0.0.1:" + port + " -> 127.0.0.1:" + upstreamPort);
        assertThat(running.proxy().seed()).isEqualTo(42);
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).isEqualTo("web\n");
        main.shutdown();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aRoutesScheduleIsPlayedFromTheStart(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("soak.yaml"), """
                routes:
                  - name: web
                    localPort: 0
                    upstream: 127.0.0.1:9
                    schedule:
                      repeat: forever
                      length: 100ms
                      steps:
                        - { at: 0s, action: disable }
                        - { at: 50ms, action: enable }
                """);
        CompletableFuture<Integer> exit = runInBackground("-config", file.toString(), "--no-admin",
                "--shutdown-timeout", "0s");
        Running running = main.started().get(30, TimeUnit.SECONDS);
        io.chaosproxy.ScenarioRun run = running.proxy().route("web").scenarioRuns().get(0);
        org.awaitility.Awaitility.await().until(() -> run.stepsDone() >= 4);
        assertThat(out()).contains("route web plays schedule 1: Scenario{[+0ms disable, +50ms enable] length=100ms,"
                + " times=forever}");
        main.shutdown();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(run.isCancelled()).isTrue();
    }

    @Test
    void singleDashSpellingsOfTheOriginalToolWork() throws Exception {
        CompletableFuture<Integer> exit = runInBackground("-verbose", "-test-server", "--no-admin");
        Running running = main.started().get(30, TimeUnit.SECONDS);
        assertThat(running.admin()).isNull();
        main.shutdown();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void theJournalIsWrittenToItsFileAtExit(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("journal.txt");
        Path routes = Files.writeString(dir.resolve("routes.yaml"), "routes:\n  - name: web\n    localPort: 0\n"
                + "    upstream: 127.0.0.1:9\n");
        CompletableFuture<Integer> exit = runInBackground("--config", routes.toString(), "--no-admin",
                "--journal", file.toString(), "--journal-size", "100", "--shutdown-timeout", "0s");
        Running running = main.started().get(30, TimeUnit.SECONDS);
        assertThat(running.proxy().journal().size()).isEqualTo(100);
        running.proxy().route("web").disable();
        main.shutdown();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(Files.readAllLines(file)).singleElement().asString().matches("\\+\\d+ ms web disabled");
        assertThat(out()).contains("journal written to " + file);
    }

    @Test
    void aJournalFileInNoDirectoryExitsTwoBeforeAnythingStarts() {
        assertThat(main.run("--no-admin", "--journal", "no-such-dir/journal.txt")).isEqualTo(2);
        assertThat(err()).contains("--journal: no-such-dir/journal.txt is not a file in an existing directory");
    }
}
