package io.chaosproxy.cli.attack12;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.cli.Main;
import io.chaosproxy.cli.Main.Running;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The CLI run in-process, as a user runs the binary: its output, its exit code, what it started. */
final class Cli implements AutoCloseable {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    private final CompletableFuture<Integer> exit;

    private Cli(String... args) {
        exit = io.chaosproxy.cli.Async.supplyAsync(() -> main.run(args));
    }

    /** Runs the CLI with {@code args}; it may end at once (a usage error) or run until closed. */
    static Cli run(String... args) {
        return new Cli(args);
    }

    /** Trixter mode in front of {@code upstream}, on ephemeral ports, cutting connections at once on stop. */
    static Cli trixter(String upstream, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--upstream", upstream,
                "--api", "127.0.0.1:0", "--shutdown-timeout", "0s", "--random-seed", "12"));
        args.addAll(List.of(more));
        Cli cli = new Cli(args.toArray(String[]::new));
        cli.running();
        return cli;
    }

    Running running() throws Exception {
        try {
            return main.started().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the CLI did not start: " + err(), e);
        }
    }

    /** The exit code, once it ended by itself. */
    int exitCode() throws Exception {
        return exit.get(30, TimeUnit.SECONDS);
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Stops it as a signal would and checks that it exits 0. */
    @Override
    public void close() throws Exception {
        if (!exit.isDone()) {
            main.shutdown();
            assertThat(exit.get(30, TimeUnit.SECONDS)).as("exit code; stderr: %s", err()).isZero();
        }
    }
}
