package io.chaosproxy.cli;

import io.chaosproxy.config.ConfigLoader;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.Upstream;
import io.chaosproxy.cli.admin.AdminServer;
import io.chaosproxy.cli.trixter.TrixterApi;
import io.chaosproxy.cli.trixter.TrixterFlags;
import io.chaosproxy.cli.trixter.TrixterMode;
import io.chaosproxy.config.DurationText;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The standalone chaos-proxy: routes from a config file (or none), driven at runtime through the
 * Toxiproxy-compatible admin API; or, given Trixter's {@code --listen}/{@code --upstream}, one route driven
 * through Trixter's per-connection API ({@link TrixterMode}). Exit codes: 0 after a signal or {@code --help}, 1 when a port is in use or
 * the proxy fails, 2 for bad options or a bad config file (then nothing was bound).
 */
@Command(name = "chaos-proxy", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        sortOptions = false, usageHelpAutoWidth = true,
        description = {"Runs a TCP proxy that injects network faults, driven by a config file and/or a"
                + " Toxiproxy-compatible admin API.",
                "Given --listen and --upstream, runs one route driven by Trixter's per-connection API instead"
                        + " (Trixter mode: its flags, endpoints and knobs)."},
        footer = {"", "Exit codes: 0 stopped by SIGINT/SIGTERM, 1 a port in use or a runtime failure,"
                + " 2 bad options or config (nothing bound).",
                "A first SIGINT/SIGTERM stops accepting and lets connections finish up to --shutdown-timeout;"
                        + " a second one exits at once."})
public final class Main implements Callable<Integer> {
    /** The exit code for bad options or a bad config file. */
    public static final int EXIT_USAGE = 2;
    /** The exit code when a port is in use or the proxy fails at runtime. */
    public static final int EXIT_FAILURE = 1;

    @Option(names = {"--config", "-c"}, paramLabel = "FILE",
            description = "Routes and faults to start with (JSON or YAML), or the seeds' apps"
                    + " ({\"Apps\": [{\"Name\", \"Ports\", \"Targets\"}]}). Without it the proxy starts empty.")
    Path config;

    @Option(names = {"--admin"}, paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8474",
            converter = AddressConverter.class,
            description = "Where the admin API listens (default: ${DEFAULT-VALUE}, Toxiproxy's port).")
    InetSocketAddress admin;

    @Option(names = {"--no-admin"}, description = "Do not start the admin API.")
    boolean noAdmin;

    @Option(names = {"--test-server"},
            description = "Start an HTTP server on each upstream address that answers with its route's name.")
    boolean testServer;

    @Option(names = {"--bind"}, paramLabel = "ADDRESS",
            description = "Where routes listen (default: the config's, else loopback); 0.0.0.0 for all.")
    String bind;

    @Option(names = {"--shutdown-timeout"}, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long live connections may finish after a signal: 250ms, 2s, 1.5m... or whole"
                    + " milliseconds (default: the config's, else 2s).")
    Duration shutdownTimeout;

    @Option(names = {"--seed"}, paramLabel = "LONG", description = "Seed of every random decision, to replay a run.")
    Long seed;

    @Option(names = {"--journal"}, paramLabel = "FILE",
            description = "Write what the proxy did (its journal, one line per event) to FILE when it stops.")
    Path journal;

    @Option(names = {"--journal-size"}, paramLabel = "ENTRIES",
            description = "How many journal entries to keep, the oldest dropped first (default 4096; 0: none).")
    Integer journalSize;

    @Option(names = {"--verbose"}, description = "Log every connection and fault (debug level).")
    boolean verbose;

    @Option(names = {"--quiet"}, description = "Log warnings and errors only.")
    boolean quiet;

    // The original tool's single-dash spellings, still accepted; hidden, so that --help shows each option once
    // (as "-c, --config=FILE", not "-c, -config, --config=FILE").
    @Option(names = "-config", paramLabel = "FILE", hidden = true)
    void legacyConfig(Path file) {
        config = file;
    }

    @Option(names = "-test-server", hidden = true)
    void legacyTestServer(boolean on) {
        testServer = on;
    }

    @Option(names = "-verbose", hidden = true)
    void legacyVerbose(boolean on) {
        verbose = on;
    }

    @Option(names = "-quiet", hidden = true)
    void legacyQuiet(boolean on) {
        quiet = on;
    }

    @Mixin
    TrixterFlags trixter = new TrixterFlags();

    @Spec
    CommandSpec spec;

    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CompletableFuture<Running> started = new CompletableFuture<>();

    /**
     * What a started CLI runs: the proxy and, unless {@code --no-admin}, the admin API; in Trixter mode Trixter's API
     * instead of the admin API.
     *
     * @param admin   the Toxiproxy admin API, or null
     * @param trixter Trixter's API in Trixter mode, else null
     */
    public record Running(ChaosProxy proxy, AdminServer admin, TrixterApi trixter) {
    }

    /** A CLI writing to these streams; {@link #run} it, {@link #shutdown()} it from another thread. */
    public Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Runs the CLI and exits with its code; SIGINT/SIGTERM stop it gracefully, a second one at once. */
    public static void main(String[] args) {
        configureLogging(args);
        Main main = new Main(System.out, System.err);
        AtomicInteger signals = new AtomicInteger();
        sun.misc.SignalHandler handler = signal -> {
            if (signals.incrementAndGet() == 1) {
                main.shutdown();
            } else {
                Runtime.getRuntime().halt(128 + signal.getNumber());
            }
        };
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
        System.exit(main.run(args));
    }

    /** Parses {@code args} and runs until {@link #shutdown()}; returns the exit code. */
    public int run(String... args) {
        CommandLine commandLine = new CommandLine(this)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    err.println("chaos-proxy: " + e);
                    return EXIT_FAILURE;
                });
        int code = commandLine.execute(args);
        started.completeExceptionally(new IllegalStateException("the CLI ended with exit code " + code));
        return code;
    }

    /** Asks a running CLI to stop: stop accepting, let connections finish up to the shutdown timeout, exit 0. */
    public void shutdown() {
        stop.countDown();
    }

    /** Completes once the proxy and admin API run (for tests); fails if the CLI ends first. */
    public CompletableFuture<Running> started() {
        return started;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (verbose && quiet) {
            err.println("chaos-proxy: --verbose and --quiet exclude each other; give one");
            return EXIT_USAGE;
        }
        ChaosProxy.Builder builder;
        TrixterMode trixterMode = null;
        try {
            if (trixter.given()) {
                trixterMode = trixterMode();
                builder = trixterMode.builder();
            } else {
                builder = builder();
            }
            if (bind != null) {
                builder.bindAddress(bind);
            }
            Long givenSeed = trixterMode != null && trixterMode.seed() != null ? trixterMode.seed() : seed;
            if (givenSeed != null) {
                builder.seed(givenSeed);
            }
            if (shutdownTimeout != null) {
                builder.shutdownTimeout(shutdownTimeout);
            }
            if (journalSize != null) {
                builder.journalSize(journalSize);
            }
            checkJournalFile();
            builder.allowNoRoutes();
        } catch (RuntimeException e) {
            err.println("chaos-proxy: " + e.getMessage());
            return EXIT_USAGE;
        }
        ChaosProxy proxy;
        TestServers upstreams = null;
        try {
            if (testServer) {
                upstreams = startTestServers(builder);
            }
            proxy = builder.start();
        } catch (IllegalArgumentException e) {
            err.println("chaos-proxy: " + e.getMessage());
            close(upstreams);
            return EXIT_USAGE;
        } catch (RuntimeException e) {
            err.println("chaos-proxy: " + e.getMessage());
            close(upstreams);
            return EXIT_FAILURE;
        }
        AdminServer adminServer = null;
        TrixterApi trixterApi = null;
        try {
            if (trixterMode != null) {
                trixterApi = trixterMode.startApi();
            } else if (!noAdmin) {
                adminServer = AdminServer.start(proxy, admin);
            }
        } catch (RuntimeException e) {
            err.println("chaos-proxy: " + e.getMessage());
            close(adminServer, trixterApi, proxy, upstreams);
            return EXIT_FAILURE;
        }
        if (trixterApi != null) {
            out.println("random seed: " + Long.toUnsignedString(proxy.seed()));   // Trixter's start line
        }
        printStarted(proxy.routes(), adminServer);
        if (trixterApi != null) {
            out.println("Trixter API on " + trixterApi.url());
        }
        started.complete(new Running(proxy, adminServer, trixterApi));
        stop.await();
        out.println("chaos-proxy: stopping; live connections may finish up to the shutdown timeout");
        close(adminServer, trixterApi, proxy, upstreams);
        out.println("chaos-proxy: stopped");
        return writeJournal(proxy) ? 0 : EXIT_FAILURE;
    }

    /** Fails before anything starts when {@code --journal} names a file in no directory there is. */
    private void checkJournalFile() {
        if (journal == null) {
            return;
        }
        Path dir = journal.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || Files.isDirectory(journal)) {
            throw new IllegalArgumentException("--journal: " + journal + " is not a file in an existing directory;"
                    + " create the directory first");
        }
    }

    /** Writes the journal to the {@code --journal} file, if one was given; false when that fails. */
    private boolean writeJournal(ChaosProxy proxy) {
        if (journal == null) {
            return true;
        }
        try {
            Files.writeString(journal, proxy.journal().text(), StandardCharsets.UTF_8);
            out.println("chaos-proxy: journal written to " + journal);
            return true;
        } catch (IOException e) {
            err.println("chaos-proxy: --journal: cannot write " + journal + ": " + e);
            return false;
        }
    }

    /**
     * The Trixter mode from its flags; Trixter's flags and our own ways to give routes or an API exclude each
     * other, as do the two seeds.
     */
    private TrixterMode trixterMode() {
        List<String> clashing = new ArrayList<>();
        if (config != null) {
            clashing.add("--config");
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--admin")) {
            clashing.add("--admin");
        }
        if (noAdmin) {
            clashing.add("--no-admin");
        }
        if (bind != null) {
            clashing.add("--bind");
        }
        if (!clashing.isEmpty()) {
            String hint = config != null && trixter.upstreamMissing()
                    ? " (-c names the config file here, not Trixter's upstream: give that with --upstream)" : "";
            throw new IllegalArgumentException(String.join(", ", clashing) + " cannot be mixed with Trixter's"
                    + " flags (" + String.join(", ", trixter.givenNames()) + ")" + hint + "; either give routes"
                    + " and the admin API as usual, or run one route in Trixter mode with --listen, --upstream"
                    + " and --api");
        }
        if (seed != null && trixter.givenNames().contains("--random-seed")) {
            throw new IllegalArgumentException("--seed and --random-seed are the same; give one");
        }
        return TrixterMode.of(trixter, out::println);
    }

    private ChaosProxy.Builder builder() {
        return config == null ? ChaosProxy.builder() : ConfigLoader.load(config);   // nothing bound yet
    }

    private void printStarted(List<Route> routes, AdminServer adminServer) {
        for (Route route : routes) {
            String host = route.localAddress().getAddress().getHostAddress();
            String ports = route.localPorts().stream().map(port -> hostPort(host, port))
                    .collect(Collectors.joining(", "));
            String upstreams = route.upstreams().stream().map(Upstream::address).collect(Collectors.joining(", "));
            out.println("route " + route.name() + " listening on " + ports + " -> " + upstreams
                    + (route.isEnabled() ? "" : " (disabled)"));
            for (io.chaosproxy.ScenarioRun run : route.scenarioRuns()) {
                out.println("route " + route.name() + " plays schedule " + run.id() + ": " + run.scenario());
            }
        }
        if (adminServer != null) {
            out.println("admin API on " + adminServer.url() + (routes.isEmpty() ? " (no routes yet; add them"
                    + " with POST /proxies)" : ""));
        }
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Starts the test servers before the proxy does: a route's health check probes its upstreams at start and skips
     * one found down until a later probe succeeds (30 s later for the seeds' apps).
     */
    private static TestServers startTestServers(ChaosProxy.Builder builder) {
        return TestServers.start(builder.declaredUpstreams());
    }

    private static void close(TestServers upstreams) {
        if (upstreams != null) {
            upstreams.close();
        }
    }

    private static void close(AdminServer adminServer, TrixterApi trixterApi, ChaosProxy proxy,
            TestServers upstreams) {
        if (adminServer != null) {
            adminServer.close();
        }
        if (trixterApi != null) {
            trixterApi.close();
        }
        proxy.close();   // stops accepting, drains up to the shutdown timeout
        if (upstreams != null) {
            upstreams.close();   // last: draining connections may still need their upstream
        }
    }

    /** Sets slf4j-simple's level from --verbose/--quiet before the first logger exists. */
    static void configureLogging(String[] args) {
        List<String> given = List.of(args);
        String level = given.contains("--verbose") || given.contains("-verbose") ? "debug"
                : given.contains("--quiet") || given.contains("-quiet") ? "warn" : "info";
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
    }

    /** {@code --version}: ours and the Toxiproxy API we speak. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"chaos-proxy " + (version != null ? version : "dev")
                    + " (Toxiproxy API 2.12)"};
        }
    }

    /** {@code HOST:PORT}, {@code [v6]:PORT} or {@code :PORT} (loopback). */
    static final class AddressConverter implements CommandLine.ITypeConverter<InetSocketAddress> {
        @Override
        public InetSocketAddress convert(String value) {
            int colon = value.lastIndexOf(':');
            if (colon < 0) {
                throw new CommandLine.TypeConversionException("\"" + value + "\" has no port; expected HOST:PORT");
            }
            String host = value.substring(0, colon).replace("[", "").replace("]", "");
            int port;
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new CommandLine.TypeConversionException("\"" + value + "\" has no port in 0..65535;"
                        + " expected HOST:PORT");
            }
            return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
        }
    }

    /**
     * A duration in the one grammar of config files ({@link DurationText}: {@code 250ms}, {@code 2s},
     * {@code 1.5m}...), or a bare whole number of milliseconds, as this option has always taken.
     */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return DurationText.parse(value, ChronoUnit.MILLIS);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
