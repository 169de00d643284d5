package io.chaosproxy.cli.trixter;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Trixter-compatible mode, read from {@link TrixterFlags}: one route from {@code --listen} to
 * {@code --upstream}, each of its connections started with the flags' knobs, and Trixter's API at {@code --api}
 * to change them one connection at a time.
 */
public final class TrixterMode {
    /** Where the API listens without {@code --api} (Trixter requires the flag; its README uses this address). */
    public static final String DEFAULT_API = "127.0.0.1:8888";
    /** The name of the one route. */
    public static final String ROUTE = "trixter";

    private final String listenHost;
    private final int listenPort;
    private final String upstream;
    private final InetSocketAddress api;
    private final Long seed;
    private final long connectionDurationMs;
    private final TrixterConnections connections;

    private TrixterMode(TrixterFlags flags, Map<Knob, Number> knobs, Consumer<String> log) {
        InetSocketAddress listen = address("--listen", flags.listen);
        this.listenHost = listen.getHostString();
        this.listenPort = listen.getPort();
        this.upstream = flags.upstream;
        this.api = address("--api", flags.api != null ? flags.api : DEFAULT_API);
        this.seed = flags.randomSeed == null ? null : unsigned("--random-seed", flags.randomSeed, "a seed");
        this.connectionDurationMs = flags.connectionDurationMs == null ? 0
                : atMostADay("--connection-duration-ms", flags.connectionDurationMs);
        this.connections = new TrixterConnections(knobs, log);
    }

    /**
     * Reads the flags; each shutdown's reason goes to {@code log}.
     *
     * @throws IllegalArgumentException for a missing {@code --listen}/{@code --upstream} or a bad value (the message
     *                                  names the flag)
     */
    public static TrixterMode of(TrixterFlags flags, Consumer<String> log) {
        if (flags.listen == null || flags.upstream == null) {
            throw new IllegalArgumentException(String.join(", ", flags.givenNames()) + ": Trixter mode needs"
                    + " both --listen and --upstream, e.g. --listen 0.0.0.0:8080 --upstream 127.0.0.1:8181");
        }
        Map<Knob, Number> knobs = new EnumMap<>(Knob.class);
        knobs.put(Knob.DELAY, flags.delayMs == null ? 0L : atMostADay("--delay-ms", flags.delayMs));
        knobs.put(Knob.THROTTLE, flags.throttleRateBytes == null ? 0L
                : unsigned("--throttle-rate-bytes", flags.throttleRateBytes, "a rate in bytes per second"));
        knobs.put(Knob.SLICE, flags.sliceSizeBytes == null ? 0L
                : unsigned("--slice-size-bytes", flags.sliceSizeBytes, "a size in bytes"));
        knobs.put(Knob.TERMINATION, probability("--terminate-probability-rate", flags.terminateProbabilityRate));
        knobs.put(Knob.CORRUPTION, probability("--corrupt-probability-rate", flags.corruptProbabilityRate));
        return new TrixterMode(flags, knobs, log);
    }

    /** The proxy to start: the one route, listening where {@code --listen} says, and the connections' knobs. */
    public ChaosProxy.Builder builder() {
        ChaosProxy.Builder builder = ChaosProxy.builder().bindAddress(listenHost).listener(connections);
        var route = builder.route(listenPort, upstream).name(ROUTE);
        if (connectionDurationMs > 0) {
            route.fault(Fault.maxLifetime(Duration.ofMillis(connectionDurationMs)).reset(true)
                    .named("trixter_connection_duration"));
        }
        return builder;
    }

    /** The seed {@code --random-seed} gives, or null. */
    public Long seed() {
        return seed;
    }

    /**
     * Starts Trixter's API at {@code --api} over the started proxy's connections.
     *
     * @throws IllegalStateException when the address is in use
     */
    public TrixterApi startApi() {
        return TrixterApi.start(connections, api);
    }

    /** {@code IP:PORT} or {@code [v6]:PORT}; a host name is taken too, and no host means loopback. */
    private static InetSocketAddress address(String flag, String value) {
        int colon = value.lastIndexOf(':');
        int port = -1;
        if (colon >= 0) {
            try {
                port = Integer.parseInt(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(flag + ": \"" + value + "\" has no port in 0..65535; expected"
                    + " IP:PORT, e.g. 127.0.0.1:8080");
        }
        String host = value.substring(0, colon).replace("[", "").replace("]", "");
        InetSocketAddress address = new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
        if (address.isUnresolved()) {   // a usage error now, before anything is bound, not a failure later
            throw new IllegalArgumentException(flag + ": \"" + value + "\": unknown host " + host + "; expected"
                    + " IP:PORT, e.g. 127.0.0.1:8080");
        }
        return address;
    }

    /** A u64, as Trixter takes it; kept in a long's bits. */
    private static long unsigned(String flag, String value, String what) {
        try {
            return Long.parseUnsignedLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": \"" + value + "\" is not " + what + "; expected a whole"
                    + " number from 0 to " + Long.toUnsignedString(-1L));
        }
    }

    private static long atMostADay(String flag, String value) {
        long ms = unsigned(flag, value, "a number of milliseconds");
        if (Long.compareUnsigned(ms, Knob.MAX_DELAY_MS) > 0) {
            throw new IllegalArgumentException(flag + ": " + value + " is over " + Knob.MAX_DELAY_MS
                    + " (1 day), the longest chaos-proxy waits");
        }
        return ms;
    }

    /** In Trixter's words when out of range. */
    private static double probability(String flag, String value) {
        if (value == null) {
            return 0.0;
        }
        double probability;
        try {
            probability = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + ": \"" + value + "\" is not a number; expected 0.0..1.0");
        }
        if (!(probability >= 0.0 && probability <= 1.0)) {
            throw new IllegalArgumentException(flag + " must be between 0.0 and 1.0 (got " + value + ")");
        }
        return probability;
    }
}
