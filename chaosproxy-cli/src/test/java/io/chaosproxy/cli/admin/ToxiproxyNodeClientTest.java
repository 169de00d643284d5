package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.cli.Main;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Toxiproxy's Node client (the npm package {@code toxiproxy-node-client}, pinned in {@code src/test/node}) drives
 * our CLI: {@code npm ci}, then {@code node client-test.js} against the CLI's admin API on an ephemeral port, with
 * an echo server as upstream. Skipped, saying why, where node or npm is missing or the npm registry cannot be
 * reached; any other failure of either fails the test with its output.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ToxiproxyNodeClientTest {
    private static final Path SOURCES = Path.of("src", "test", "node");
    private static final Path WORK = Path.of("target", "node-client");
    /** What npm says when it cannot reach its registry (DNS, refused, unreachable, timed out). */
    private static final Pattern OFFLINE = Pattern.compile(
            "ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|fetch failed");

    @Test
    void theClientDrivesEveryCallAndToxicTypeThroughTheCli() throws Exception {
        if (!onPath("node") || !onPath("npm")) {
            skip("node and npm are not on the PATH: toxiproxy-node-client is not tested here (CI has node 20)");
        }
        install();
        ByteArrayOutputStream cliOutput = new ByteArrayOutputStream();
        PrintStream cliOut = new PrintStream(cliOutput, true, StandardCharsets.UTF_8);
        Main cli = new Main(cliOut, cliOut);
        CompletableFuture<Integer> exit = io.chaosproxy.cli.Async.supplyAsync(
                () -> cli.run("--admin", "127.0.0.1:0", "--seed", "42", "--shutdown-timeout", "0s"));
        try (EchoServer echo = new EchoServer()) {
            Main.Running running = cli.started().get(30, TimeUnit.SECONDS);
            Result result = run(60, Map.of("TOXIPROXY_URL", running.admin().url(), "ECHO_UPSTREAM", echo.address()),
                    "node", "--test-reporter=tap", "client-test.js");
            System.out.println(result.output());   // the node:test report, in the build log
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("# fail 0", "covered: ").doesNotContain("# pass 0");
        } finally {
            cli.shutdown();
            assertThat(exit.get(30, TimeUnit.SECONDS)).as(cliOutput.toString(StandardCharsets.UTF_8)).isZero();
        }
    }

    /** {@code npm ci} in a copy under target, so that node_modules never lands in the sources. */
    private static void install() throws IOException, InterruptedException {
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "client-test.js")) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Result npm = run(90, Map.of(), "npm", "ci", "--no-audit", "--no-fund", "--prefer-offline",
                "--fetch-retries=1", "--fetch-timeout=20000");
        if (npm.exitCode() != 0 && (npm.exitCode() == Result.TIMED_OUT || OFFLINE.matcher(npm.output()).find())) {
            skip("the npm registry cannot be reached, so toxiproxy-node-client cannot be installed:\n" + npm.output());
        }
        assertThat(npm.exitCode()).as("npm ci failed:%n%s", npm.output()).isZero();
    }

    /** Skips the test, saying why in the build log too (a quiet build shows only the count of skipped tests). */
    private static void skip(String why) {
        System.err.println("ToxiproxyNodeClientTest skipped: " + why);
        Assumptions.abort(why);
    }

    private record Result(int exitCode, String output) {
        static final int TIMED_OUT = -1;
    }

    /** Runs a command in {@link #WORK}; it and every process it started are gone when this returns. */
    private static Result run(int timeoutSeconds, Map<String, String> env, String... command)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(WORK.toAbsolutePath(), "run-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        try {
            boolean done = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            String output = Files.readString(log);
            return done ? new Result(process.exitValue(), output)
                    : new Result(Result.TIMED_OUT, output + "\n(killed after " + timeoutSeconds + " s)");
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Pattern.compile(Pattern.quote(File.pathSeparator)).splitAsStream(path)
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
