package io.chaosproxy;

import io.chaosproxy.internal.HostPort;
import io.chaosproxy.internal.PoolSettings;
import io.chaosproxy.spi.Check;
import io.chaosproxy.internal.RouteConfig;
import io.chaosproxy.internal.RouteRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    private final List<Integer> localPorts = new ArrayList<>();
    private final List<HostPort> upstreams = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();
    private final Map<String, List<Fault>> upstreamFaults = new LinkedHashMap<>();
    private String name;
    private boolean enabled = true;
    private boolean resolveOnConnect;
    private Balancing balancing = Balancing.ROUND_ROBIN;
    private Duration healthInterval;
    private Duration healthTimeout;
    private int breakerFailures;
    private Duration breakerCooldown;
    private int maxConnections;
    private int connectionRate;
    private Duration connectTimeout;
    private boolean keepAlive;
    private int preconnect;
    private Scenario schedule;

    RouteBuilder(ChaosProxy.Builder proxy, int index, int localPort, String upstream, String... more) {
        this(proxy, index, null, localPort, upstream, more);
    }

    /** A route named at once, so that a bad port or upstream is reported under its name; {@code name} may be null. */
    RouteBuilder(ChaosProxy.Builder proxy, int index, String name, int localPort, String upstream, String... more) {
        this.proxy = proxy;
        this.index = index;
        if (name != null) {
            name(name);
        }
        localPorts.add(checkedPort("localPort", localPort));
        Objects.requireNonNull(more, "upstreams");
        addUpstream(upstream);
        for (String other : more) {
            addUpstream(other);
        }
    }

    private void addUpstream(String text) {
        HostPort upstream;
        try {
            upstream = HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(label() + ": " + e.getMessage(), e);
        }
        upstreams.add(upstream);   // the same one twice is allowed: it gets twice the turns, as in the seeds' apps
    }

    private int checkedPort(String what, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(label() + ": " + what + " " + port
                    + " is outside 0..65535; use 0 for an ephemeral port");
        }
        if (port > 0 && localPorts.contains(port)) {
            throw new IllegalArgumentException(label() + ": port " + port + " is given twice");
        }
        return port;
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
     * More local ports for the same route (0 for an ephemeral one each): a client connecting to any of them is
     * served as on the first, by the same upstreams, faults and limits, as the seeds' "apps" do.
     */
    public RouteBuilder alsoListen(int... ports) {
        Objects.requireNonNull(ports, "ports");
        for (int port : ports) {
            localPorts.add(checkedPort("alsoListen port", port));
        }
        return this;
    }

    /** How a route of several upstreams picks one for each connection; default {@link Balancing#ROUND_ROBIN}. */
    public RouteBuilder balancing(Balancing balancing) {
        this.balancing = Objects.requireNonNull(balancing, "balancing");
        return this;
    }

    /**
     * Probes each upstream with a TCP connect every {@code interval}, failing after {@code timeout}; a target whose
     * probe fails is skipped until one succeeds again. The first probe runs at start; probes run on threads of the
     * route's own, never an event loop. Off unless set.
     */
    public RouteBuilder healthCheck(Duration interval, Duration timeout) {
        this.healthInterval = checked("healthCheck interval", interval);
        this.healthTimeout = checked("healthCheck timeout", timeout);
        return this;
    }

    /**
     * After {@code failures} consecutive failed connects to one upstream, skips it for {@code coolDown}; then one
     * trial connection decides: connected, the breaker closes; failed, it stays open for another cool-down. Off
     * unless set.
     */
    public RouteBuilder circuitBreaker(int failures, Duration coolDown) {
        if (failures < 1) {
            throw new IllegalArgumentException(label() + ": circuitBreaker failures " + failures + " is less than 1");
        }
        this.breakerFailures = failures;
        this.breakerCooldown = checked("circuitBreaker coolDown", coolDown);
        return this;
    }

    /** At most {@code max} connections open at once; beyond it a new client is closed at once. No limit unless set. */
    public RouteBuilder maxConnections(int max) {
        if (max < 1) {
            throw new IllegalArgumentException(label() + ": maxConnections " + max + " is less than 1");
        }
        this.maxConnections = max;
        return this;
    }

    /**
     * At most {@code perSecond} new connections per second (a token bucket holding one second's worth, so that
     * many may come at once); beyond it a new client is closed at once. No limit unless set.
     */
    public RouteBuilder connectionRate(int perSecond) {
        if (perSecond < 1) {
            throw new IllegalArgumentException(label() + ": connectionRate " + perSecond + " is less than 1");
        }
        this.connectionRate = perSecond;
        return this;
    }

    /** How long a connect to one upstream may take, for this route; the proxy's when unset. */
    public RouteBuilder connectTimeout(Duration timeout) {
        this.connectTimeout = checked("connectTimeout", timeout);
        return this;
    }

    /** Turns SO_KEEPALIVE on for both sockets of each connection, so the kernel probes idle peers. Default false. */
    public RouteBuilder keepAlive(boolean keepAlive) {
        this.keepAlive = keepAlive;
        return this;
    }

    /**
     * Keeps {@code idle} connections open to each upstream, so that a new client is paired with one at once
     * instead of waiting for a connect (the original tool's "connection pooling"). One the upstream closed while
     * idle is thrown away, never handed out. Default 0.
     */
    public RouteBuilder preconnect(int idle) {
        if (idle < 0 || idle > 1024) {
            throw new IllegalArgumentException(label() + ": preconnect " + idle + " is outside 0..1024");
        }
        this.preconnect = idle;
        return this;
    }

    /**
     * Adds a fault that only connections to {@code upstream} get, behind the route's faults; change it later with
     * {@code route.upstream(upstream)}.
     *
     * @throws IllegalArgumentException when the route has no such upstream
     * @throws DuplicateException       when the route, or that upstream, has a fault of that name already
     */
    public RouteBuilder upstreamFault(String upstream, Fault fault) {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(fault, "fault");
        String key = upstreams.stream().map(HostPort::text).filter(t -> t.strip().equals(upstream.strip()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(label() + ": no upstream \"" + upstream
                        + "\"; its upstreams are " + upstreams));
        List<Fault> own = upstreamFaults.computeIfAbsent(key, k -> new ArrayList<>());
        RouteRules.checkNewFault(effectiveName(), faults, fault);
        RouteRules.checkNewFault(effectiveName(), own, fault);
        own.add(fault);
        return this;
    }

    /**
     * Takes every pool setting of a running {@code route}: balancing, health check, circuit breaker, limits,
     * connect timeout, keep-alive and preconnect; not its name, ports, upstreams or faults. For re-creating a route
     * with other upstreams or ports (as the admin API does) without losing how it balances, checks and limits.
     */
    public RouteBuilder poolSettingsOf(Route route) {
        PoolSettings pool = Objects.requireNonNull(route, "route").runtime().config().pool();
        balancing = pool.balancing();
        healthInterval = pool.healthInterval();
        healthTimeout = pool.healthTimeout();
        breakerFailures = pool.breakerFailures();
        breakerCooldown = pool.breakerCooldown();
        maxConnections = pool.maxConnections();
        connectionRate = pool.connectionRate();
        connectTimeout = pool.connectTimeout();
        keepAlive = pool.keepAlive();
        preconnect = pool.preconnect();
        return this;
    }

    private Duration checked(String what, Duration value) {
        try {
            return Check.positive(what + ":", value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException(label() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Adds a fault behind the ones added before.
     *
     * @throws DuplicateException when the route has a fault of that name already
     */
    public RouteBuilder fault(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        RouteRules.checkNewFault(effectiveName(), faults, fault);
        for (List<Fault> own : upstreamFaults.values()) {
            RouteRules.checkNewFault(effectiveName(), own, fault);
        }
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

    /**
     * Adds the faults of a {@link NetworkProfile} (latency and bandwidth each way, loss for some), behind those
     * given so far: {@code .profile(NetworkProfile.SLOW_3G)}.
     *
     * @throws DuplicateException when the route has a fault of one of their names already (a profile given twice)
     */
    public RouteBuilder profile(NetworkProfile profile) {
        Objects.requireNonNull(profile, "profile").faults().forEach(this::fault);
        return this;
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

    /** With {@code probability} per chunk reaching the client, that chunk and the ones behind it wait 200 ms. */
    public RouteBuilder loss(double probability) {
        return checked(() -> Fault.loss(probability));
    }

    /** Toxiproxy's {@code packet_loss}: with {@code lossRate} per chunk reaching the client, its bytes are dropped. */
    public RouteBuilder packetLoss(double lossRate) {
        return checked(() -> Fault.packetLoss(lossRate));
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

    /** Adds another route, of several upstreams, to the same proxy; see {@link ChaosProxy.Builder#route(int, String, String...)}. */
    public RouteBuilder route(int localPort, String upstream, String... moreUpstreams) {
        return builder().route(localPort, upstream, moreUpstreams);
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
        PoolSettings pool = new PoolSettings(balancing, healthInterval, healthTimeout, breakerFailures,
                breakerCooldown, maxConnections, connectionRate, connectTimeout, keepAlive, preconnect);
        return new RouteConfig(effectiveName(), localPorts, upstreams, faults, resolveOnConnect, pool, upstreamFaults);
    }

    /**
     * Plays {@code scenario} on this route from the moment the proxy starts (or the route is added): a config file's
     * {@code schedule}. The run is listed in {@link Route#scenarioRuns()}; null plays nothing.
     */
    public RouteBuilder schedule(Scenario scenario) {
        this.schedule = scenario;
        return this;
    }

    Scenario schedule() {
        return schedule;
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
