package io.chaosproxy.cli.trixter;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Trixter's command-line flags, mixed into the CLI's: {@code --listen} and {@code --upstream} start the Trixter
 * mode. Numbers are kept as given and read by {@link TrixterMode#of}, which says what is wrong with them in our
 * error form (Trixter's own words for a probability out of range).
 */
public final class TrixterFlags {
    @Option(names = {"--listen", "-l"}, paramLabel = "IP:PORT",
            description = "Trixter mode: where the one route listens, e.g. 0.0.0.0:8080 (needs --upstream).")
    String listen;

    @Option(names = "--upstream", paramLabel = "IP:PORT",
            description = "Trixter mode: where it forwards to, e.g. 127.0.0.1:8181. (Trixter's -c: here -c"
                    + " names the config file.)")
    String upstream;

    @Option(names = {"--api", "-a"}, paramLabel = "IP:PORT",
            description = "Trixter mode: where Trixter's REST API listens (default: " + TrixterMode.DEFAULT_API
                    + "; no Toxiproxy admin API then).")
    String api;

    @Option(names = "--delay-ms", paramLabel = "MS", description = "Trixter mode: each write held MS, both ways"
            + " (0 = off, the default).")
    String delayMs;

    @Option(names = "--throttle-rate-bytes", paramLabel = "BYTES/S",
            description = "Trixter mode: at most BYTES/S each way (0 = unlimited, the default).")
    String throttleRateBytes;

    @Option(names = "--slice-size-bytes", paramLabel = "BYTES",
            description = "Trixter mode: writes cut into slices of at most BYTES (0 = off, the default).")
    String sliceSizeBytes;

    @Option(names = "--terminate-probability-rate", paramLabel = "0..1",
            description = "Trixter mode: the probability that a read/write aborts the connection with an RST"
                    + " (0.0 = off, the default).")
    String terminateProbabilityRate;

    @Option(names = "--corrupt-probability-rate", paramLabel = "0..1",
            description = "Trixter mode: the probability that random bytes go out before a write (0.0 = off,"
                    + " the default).")
    String corruptProbabilityRate;

    @Option(names = "--connection-duration-ms", paramLabel = "MS",
            description = "Trixter mode: each connection reset once it has lived MS (0 = unlimited, the default).")
    String connectionDurationMs;

    @Option(names = "--random-seed", paramLabel = "U64",
            description = "Trixter mode: the seed of every random decision, printed at start (random unless"
                    + " given); the same as --seed.")
    String randomSeed;

    /** Whether any Trixter flag was given. */
    public boolean given() {
        return !givenNames().isEmpty();
    }

    /** Whether {@code --upstream} is missing: a Trixter user's {@code -c} names the config file here. */
    public boolean upstreamMissing() {
        return upstream == null;
    }

    /** The Trixter flags given, by their long names, in the order of Trixter's README. */
    public List<String> givenNames() {
        List<String> names = new ArrayList<>();
        add(names, "--listen", listen);
        add(names, "--upstream", upstream);
        add(names, "--api", api);
        add(names, "--delay-ms", delayMs);
        add(names, "--throttle-rate-bytes", throttleRateBytes);
        add(names, "--slice-size-bytes", sliceSizeBytes);
        add(names, "--terminate-probability-rate", terminateProbabilityRate);
        add(names, "--corrupt-probability-rate", corruptProbabilityRate);
        add(names, "--connection-duration-ms", connectionDurationMs);
        add(names, "--random-seed", randomSeed);
        return names;
    }

    private static void add(List<String> names, String name, String value) {
        if (value != null) {
            names.add(name);
        }
    }
}
