package io.chaosproxy;

import io.chaosproxy.internal.HostPort;
import io.chaosproxy.internal.RouteConfig;
import io.chaosproxy.internal.RouteRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Configures one route of a {@link ChaosProxy.Builder}: its name and its faults, in order. Each method checks
 * its value at once; from here the next {@link #route(int, String)} or {@link #start()} continues the chain.
 * Each fault shortcut is the same as {@code fault(Fault.x(...))}, with the fault's defaults (downstream,
 * toxicity 1.0, name {@code <type>_<direction>}).
 */
public final class RouteBuilder {
    private final ChaosProxy.Builder proxy;
    private final int index;
    private final int localPort;
    private final HostPort upstream;
    private final List<Fault> faults = new ArrayList<>();
    private String name;
    private boolean enabled = true;
    private boolean resolveOnConnect;

    RouteBuilder(ChaosProxy.Builder proxy, int index, int localPort, String upstream) {
        this(proxy, index, null, localPort, upstream);
    }

    /** A route named at once, so that a bad port or upstream is reported under its name; {@code name} may be null. */
    RouteBuilder(ChaosProxy.Builder proxy, int index, String name, int localPort, String upstream) {
        this.proxy = proxy;
        this.index = index;
        if (name != null) {
            name(name);
        }
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
     * Whether the route accepts connections once started; default true. A disabled route still binds its port
     * at start, then closes its listener (clients get "connection refused") until {@link Route#enable()}.
     */
    public RouteBuilder enabled(boolean enabled) {
        this.enabled = enabled;
        return this;
    }

    /**
     * Looks the upstream's host up for each new connection instead of once at start, as Toxiproxy does: an
     * unknown host then no longer fails the start; each connection made while it is unknown is closed (an
     * {@code unresolved} upstream error). For hosts that appear later (a container's name) or whose address
     * changes. Default false: the host is resolved at start, and an unknown host fails it.
     */
    public RouteBuilder resolveUpstreamOnConnect(boolean resolveOnConnect) {
        this.resolveOnConnect = resolveOnConnect;
        return this;
    }

    /**
     * Adds a fault behind the ones added before.
     *
     * @throws DuplicateException when the route has a fault of that name already
     */
    public RouteBuilder fault(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        RouteRules.checkNewFault(effectiveName(), faults, fault);
        faults.add(fault);
        return this;
    }

    /**
     * The probability, 0.0 to 1.0, that a new connection is closed right after it is accepted, before the
     * upstream is contacted. Decisions follow the proxy's seed. Same as {@code fault(Fault.drop(probability))}.
     */
    public RouteBuilder dropRate(double probability) {
        if (!(probability >= 0.0 && probability <= 1.0)) {   // also rejects NaN
            throw new IllegalArgumentException(label() + ": dropRate " + probability + " is outside 0.0..1.0");
        }
        return fault(Fault.drop(probability));
    }

    /**
     * Holds data travelling from the upstream back to the client for {@code delay} before forwarding it, so
     * every request/response round trip takes that much longer. Order is kept.
     */
    public RouteBuilder latency(Duration delay) {
        return checked(() -> Fault.latency(delay));
    }

    /** As {@link #latency(Duration)}, each chunk's delay varying uniformly by up to {@code jitter} either way. */
    public RouteBuilder latency(Duration delay, Duration jitter) {
        return checked(() -> Fault.latency(delay).jitter(jitter));
    }

    /** At most {@code bytesPerSecond} from the upstream to the client. */
    public RouteBuilder bandwidth(long bytesPerSecond) {
        return checked(() -> Fault.bandwidth(bytesPerSecond));
    }

    /** Data to the client arrives in slices of {@code averageSize ± sizeVariation} bytes, {@code delay} apart. */
    public RouteBuilder slicer(int averageSize, int sizeVariation, Duration delay) {
        return checked(() -> Fault.slicer(averageSize, sizeVariation, delay));
    }

    /** Data to the client stops; the connection closes after {@code timeout} (0: held until removed). */
    public RouteBuilder timeout(Duration timeout) {
        return checked(() -> Fault.timeout(timeout));
    }

    /** Every connection is reset (RST to both sides) {@code timeout} after it starts. */
    public RouteBuilder resetPeer(Duration timeout) {
        return checked(() -> Fault.resetPeer(timeout));
    }

    /** The upstream's close reaches the client {@code delay} late. */
    public RouteBuilder slowClose(Duration delay) {
        return checked(() -> Fault.slowClose(delay));
    }

    /** A connection closes after {@code bytes} bytes reached the client. */
    public RouteBuilder limitData(long bytes) {
        return checked(() -> Fault.limitData(bytes));
    }

    /** With {@code probability} per chunk, a byte reaching the client is changed. */
    public RouteBuilder corrupt(double probability) {
        return checked(() -> Fault.corrupt(probability));
    }

    /** With {@code probability} per chunk reaching the client, the connection is reset instead. */
    public RouteBuilder terminate(double probability) {
        return checked(() -> Fault.terminate(probability));
    }

    /** Every connection closes once it has lived {@code lifetime}. */
    public RouteBuilder maxLifetime(Duration lifetime) {
        return checked(() -> Fault.maxLifetime(lifetime));
    }

    /** The upstream is contacted {@code delay} after the client connected. */
    public RouteBuilder connectDelay(Duration delay) {
        return checked(() -> Fault.connectDelay(delay));
    }

    /** Adds another route to the same proxy. */
    public RouteBuilder route(int localPort, String upstream) {
        return builder().route(localPort, upstream);
    }

    /** Starts the proxy with every route declared so far; see {@link ChaosProxy.Builder#start()}. */
    public ChaosProxy start() {
        return builder().start();
    }

    private ChaosProxy.Builder builder() {
        if (proxy == null) {
            throw new IllegalStateException(label() + ": this route is being added to a running proxy;"
                    + " configure it and return, without route(...) or start()");
        }
        return proxy;
    }

    /** Makes the fault, naming this route in any error about its values. */
    private RouteBuilder checked(Supplier<Fault> fault) {
        Fault made;
        try {
            made = fault.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(label() + ": " + e.getMessage(), e);
        }
        return fault(made);
    }

    RouteConfig config() {
        return new RouteConfig(effectiveName(), localPort, upstream, faults, resolveOnConnect);
    }

    boolean isEnabled() {
        return enabled;
    }

    private String effectiveName() {
        return name != null ? name : RouteRules.defaultName(index);
    }

    private String label() {
        return "route '" + effectiveName() + "'";
    }
}
