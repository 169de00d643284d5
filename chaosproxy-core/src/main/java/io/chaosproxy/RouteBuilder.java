package io.chaosproxy;

import io.chaosproxy.fault.Latency;
import io.chaosproxy.internal.HostPort;
import io.chaosproxy.internal.RouteConfig;
import io.chaosproxy.internal.StageFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Configures one route of a {@link ChaosProxy.Builder}. Each setter checks its value at once; from here the
 * next {@link #route(int, String)} or {@link #start()} continues the chain.
 */
public final class RouteBuilder {
    private final ChaosProxy.Builder proxy;
    private final int index;
    private final int localPort;
    private final HostPort upstream;
    private String name;
    private double dropRate;
    private Duration latency = Duration.ZERO;

    RouteBuilder(ChaosProxy.Builder proxy, int index, int localPort, String upstream) {
        this.proxy = proxy;
        this.index = index;
        if (localPort < 0 || localPort > 65535) {
            throw new IllegalArgumentException(label() + ": localPort " + localPort
                    + " is outside 0..65535; use 0 for an ephemeral port");
        }
        this.localPort = localPort;
        try {
            this.upstream = HostPort.parse(upstream);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(label() + ": " + e.getMessage(), e);
        }
    }

    /** Names the route; default {@code route-<n>}, n counting routes from 0 in declaration order. */
    public RouteBuilder name(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException(label() + ": name is blank; give a name or leave the default");
        }
        this.name = name;
        return this;
    }

    /**
     * The probability, 0.0 to 1.0, that a new connection is closed right after it is accepted, before the
     * upstream is contacted. Decisions follow the proxy's seed.
     */
    public RouteBuilder dropRate(double probability) {
        if (!(probability >= 0.0 && probability <= 1.0)) {   // also rejects NaN
            throw new IllegalArgumentException(label() + ": dropRate " + probability + " is outside 0.0..1.0");
        }
        this.dropRate = probability;
        return this;
    }

    /**
     * Holds data travelling from the upstream back to the client for {@code delay} before forwarding it, so
     * every request/response round trip takes that much longer. Order is kept.
     */
    public RouteBuilder latency(Duration delay) {
        Objects.requireNonNull(delay, "latency");
        if (delay.isNegative()) {
            throw new IllegalArgumentException(label() + ": latency " + delay.toMillis() + "ms is negative; use 0 or more");
        }
        this.latency = delay;
        return this;
    }

    /** Adds another route to the same proxy. */
    public RouteBuilder route(int localPort, String upstream) {
        return proxy.route(localPort, upstream);
    }

    /** Starts the proxy with every route declared so far; see {@link ChaosProxy.Builder#start()}. */
    public ChaosProxy start() {
        return proxy.start();
    }

    RouteConfig config() {
        List<StageFactory> downstream = new ArrayList<>();
        if (!latency.isZero()) {
            downstream.add(new Latency(latency));
        }
        return new RouteConfig(effectiveName(), localPort, upstream, dropRate, List.of(), downstream);
    }

    private String effectiveName() {
        return name != null ? name : "route-" + index;
    }

    private String label() {
        return "route '" + effectiveName() + "'";
    }
}
