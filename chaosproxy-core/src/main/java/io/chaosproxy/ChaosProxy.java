package io.chaosproxy;

import io.chaosproxy.spi.Check;
import io.chaosproxy.spi.Chunk;
import io.chaosproxy.internal.Engine;
import io.chaosproxy.internal.EngineSettings;
import io.chaosproxy.internal.JournalLog;
import io.chaosproxy.internal.ProxyShutdown;
import io.chaosproxy.internal.RouteConfig;
import io.chaosproxy.internal.RouteRules;
import io.chaosproxy.internal.RouteRuntime;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running TCP proxy with one or more routes, each a local port forwarded to an upstream with faults on the
 * way. Build one with {@link #builder()}; close it to free its ports and threads.
 *
 * <pre>{@code
 * try (ChaosProxy proxy = ChaosProxy.builder()
 *         .route(0, "127.0.0.1:5432").name("db").latency(Duration.ofMillis(100))
 *         .start()) {
 *     int port = proxy.route("db").localPort();
 * }
 * }</pre>
 *
 * Thread-safe.
 */
public final class ChaosProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChaosProxy.class);

    private final Engine engine;
    private final Map<String, Route> routes = new LinkedHashMap<>();   // guarded by itself; changed by add/remove
    // What readers see, without the lock: a lookup (from a listener too) never waits for an addRoute that holds
    // the lock while the acceptor binds.
    private volatile Map<String, Route> routeView = Map.of();
    private int routesAdded;                                              // guarded by routes
    private final long seed;
    private final ProxyShutdown shutdown;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final long startedNanos = System.nanoTime();
    private final Journal journal;
    private final Scenarios scenarios;

    private ChaosProxy(Engine engine, long seed, Duration shutdownTimeout) {
        this.engine = engine;
        this.seed = seed;
        JournalLog log = engine.journal();
        this.journal = new Journal(log::mark, log::since, log.capacity());
        this.scenarios = new Scenarios(engine, seed);
        this.shutdown = new ProxyShutdown(engine, shutdownTimeout);
        for (RouteRuntime runtime : engine.routes()) {
            routes.put(runtime.name(), new Route(runtime, closed::get, () -> startedNanos, journal, scenarios));
        }
        publishRoutes();
        routesAdded = routes.size();
    }

    /** Returns a builder; add routes with {@link Builder#route(int, String)}, then {@link RouteBuilder#start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Every route, in the order they were declared or added. */
    public List<Route> routes() {
        return List.copyOf(routeView.values());
    }

    /** Adds a route with no faults while the proxy runs; see {@link #addRoute(int, String, Consumer)}. */
    public Route addRoute(int localPort, String upstream) {
        return addRoute(localPort, upstream, route -> { });
    }

    /**
     * Adds a route while the proxy runs, the other routes undisturbed: {@code configure} names it and sets its
     * faults as on the builder.
     *
     * <pre>{@code proxy.addRoute(0, "127.0.0.1:6379", r -> r.name("redis").latency(Duration.ofMillis(50)));}</pre>
     *
     * @throws DuplicateException       when another route has its name or fixed port
     * @throws IllegalArgumentException for any other invalid value
     * @throws IllegalStateException    when the port is in use, or the proxy is closed
     */
    public Route addRoute(int localPort, String upstream, Consumer<RouteBuilder> configure) {
        return addRoute(localPort, upstream, new String[0], configure);
    }

    /**
     * Adds a route of several upstreams while the proxy runs, as {@link #addRoute(int, String, Consumer)} does;
     * each connection goes to one of them, as {@link Builder#route(int, String, String...)} describes.
     *
     * @throws IllegalArgumentException when {@code upstreams} is empty, or for any other invalid value
     */
    public Route addRoute(int localPort, List<String> upstreams, Consumer<RouteBuilder> configure) {
        return addRoute(localPort, first(upstreams), rest(upstreams), configure);
    }

    private Route addRoute(int localPort, String upstream, String[] more, Consumer<RouteBuilder> configure) {
        Objects.requireNonNull(configure, "configure");
        int index;
        synchronized (routes) {
            index = routesAdded++;   // reserved: two routes added at once never get the same default name
        }
        try {
            return addRoute(index, localPort, upstream, more, configure);
        } catch (RuntimeException | Error e) {
            synchronized (routes) {
                if (routesAdded == index + 1) {
                    routesAdded = index;   // nobody reserved one since: the next route gets this index's name
                }
            }
            throw e;
        }
    }

    private Route addRoute(int index, int localPort, String upstream, String[] more,
            Consumer<RouteBuilder> configure) {
        RouteBuilder builder = new RouteBuilder(null, index, localPort, upstream, more);
        configure.accept(builder);   // user code: never under the lock
        RouteConfig config = builder.config();
        Route route;
        synchronized (routes) {
            if (closed.get()) {
                throw new IllegalStateException("the proxy is closed; start a new one to add routes");
            }
            rulesOfRoutesBut(null).claim(routes.size(), config.name(), config.localPorts());
            // Binding waits for the acceptor only, which never waits and runs no user code: safe under the lock.
            route = new Route(engine.addRoute(config), closed::get, () -> startedNanos, journal, scenarios);
            if (!builder.isEnabled()) {
                route.runtime().startDisabled();
            }
            routes.put(route.name(), route);
            publishRoutes();
        }
        log.info("chaos-proxy route={} added listening={} upstream={}", route.name(), route.localAddress(),
                route.upstream());
        if (builder.schedule() != null) {
            route.play(builder.schedule());
        }
        return route;
    }

    /**
     * Checks, changing nothing, that a route named {@code name} on {@code localPort} to {@code upstream} could
     * take the place of the route of that name (or join the proxy, when there is none): the port's range, the
     * upstream's form, and that no other route has the port. For a caller that must remove a route before it
     * adds the replacement (an admin API moving a route to another port): a replacement bound to be refused
     * then leaves the old route as it was. Whether another program holds the port only binding can tell.
     *
     * @throws DuplicateException       when another route has the port
     * @throws IllegalArgumentException for a port outside 0..65535 or a malformed upstream
     */
    public void checkRoute(String name, int localPort, String upstream) {
        checkRoute(name, localPort, java.util.Collections.singletonList(upstream));   // null: the builder's message
    }

    /**
     * As {@link #checkRoute(String, int, String)}, for a route of several upstreams.
     *
     * @throws IllegalArgumentException also when {@code upstreams} is empty or names one twice
     */
    public void checkRoute(String name, int localPort, List<String> upstreams) {
        Objects.requireNonNull(name, "name");
        RouteConfig config = new RouteBuilder(null, 0, name, localPort, first(upstreams), rest(upstreams)).config();
        synchronized (routes) {
            rulesOfRoutesBut(name).claim(routes.size(), config.name(), config.localPorts());
        }
    }

    private static String first(List<String> upstreams) {
        Objects.requireNonNull(upstreams, "upstreams");
        if (upstreams.isEmpty()) {
            throw new IllegalArgumentException("upstreams is empty; give at least one host:port");
        }
        return upstreams.get(0);
    }

    private static String[] rest(List<String> upstreams) {
        return upstreams.subList(1, upstreams.size()).toArray(String[]::new);
    }

    /** The running routes as the rules see them, leaving out the one named {@code leftOut} (none when null). */
    private RouteRules rulesOfRoutesBut(String leftOut) {
        RouteRules rules = new RouteRules();
        int position = 0;
        for (Route route : routes.values()) {
            if (!route.name().equals(leftOut)) {
                rules.add(position, route.name(), route.localPorts());
            }
            position++;
        }
        return rules;
    }

    /**
     * Removes a route while the proxy runs: its port is freed at once and its live connections are cut.
     *
     * @throws NoSuchElementException when there is no route of that name
     */
    public void removeRoute(String name) {
        Route route;
        synchronized (routes) {
            route = route(name);
            engine.removeRoute(route.runtime());   // the port is free; waits for the acceptor only
            routes.remove(name);
            publishRoutes();
        }
        scenarios.cancel(name);   // may wait for a step under way: outside the lock
        route.runtime().closeConnections(false);   // may wait for the loops: outside the lock
        log.info("chaos-proxy route={} removed", name);
    }

    /**
     * The route with that name.
     *
     * @throws NoSuchElementException when there is none; the message lists the names there are
     */
    public Route route(String name) {
        Map<String, Route> view = routeView;
        Route route = view.get(name);
        if (route == null) {
            throw new NoSuchElementException("no route named '" + name + "'; routes: " + view.keySet());
        }
        return route;
    }

    private void publishRoutes() {
        routeView = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(routes));
    }

    /**
     * What the proxy did, most recent last: connections, faults injected, upstream errors, changes made at run
     * time; see {@link Journal}. Readable after {@link #close()} too.
     */
    public Journal journal() {
        return journal;
    }

    /** Every scenario run playing on any route now, oldest first; see {@link Route#play}. */
    public List<ScenarioRun> scenarioRuns() {
        return scenarios.runs();
    }

    /** The seed every random decision of this proxy derives from; pass it to {@link Builder#seed} to replay. */
    public long seed() {
        return seed;
    }

    /** The counts of every route added together, now. */
    public ProxyMetrics metrics() {
        ProxyMetrics total = ProxyMetrics.zero(Duration.ofNanos(System.nanoTime() - startedNanos));
        for (Route route : routes()) {
            total = total.plus(route.metrics());
        }
        return total;
    }

    /** Every route back to the faults it started with, and enabled: see {@link Route#restoreFaults()}. */
    public void restoreFaults() {
        for (Route route : routes()) {
            route.restoreFaults();
        }
    }

    /**
     * The same as {@link #restoreFaults()}.
     *
     * @deprecated "reset" reads as a TCP reset; use {@link #restoreFaults()}
     */
    @Deprecated
    public void reset() {
        restoreFaults();
    }

    /**
     * Stops accepting at once (every port refuses before live connections are waited for), lets live
     * connections finish for up to the shutdown timeout, then cuts what remains (an RST to any side that loses
     * bytes the proxy held) and ends every thread. Returns within the shutdown timeout plus the time to close
     * the sockets, usually milliseconds. Never throws; calling it again does nothing. Called from a listener, it
     * does not wait: the loops end as soon as the listener returns.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            shutdown.awaitDone();   // another close() is under way: this one too returns when the proxy is closed
            return;
        }
        synchronized (routes) {
            // A barrier: an addRoute that got past its closed check has published its route, so it is stopped too.
        }
        scenarios.cancelAll();   // no step changes a route while it closes
        shutdown.run(() -> routes().stream().map(Route::name).toList());
    }

    @Override
    public String toString() {
        if (closed.get()) {
            return "ChaosProxy{closed}";
        }
        return "ChaosProxy{routes=" + routes().stream().map(Route::name).toList() + ", seed=" + seed + "}";
    }

    /**
     * Configures a proxy: proxy-wide settings here, routes through {@link #route(int, String)}. Not thread-safe;
     * one builder can start several proxies.
     */
    public static final class Builder {
        static final int DEFAULT_BACKLOG = 1024;
        static final int DEFAULT_HIGH_WATER_MARK = 4 << 20;
        static final int CHUNK_SIZE = Chunk.MAX_SIZE;

        /**
         * The highest {@link #highWaterMark}: 1 GiB. The mark holds for each direction of each connection, so a
         * handful of connections at a higher one could pin more direct memory than a test JVM has.
         */
        public static final long MAX_HIGH_WATER_MARK = 1L << 30;

        private final List<RouteBuilder> routes = new ArrayList<>();
        private final List<ChaosListener> listeners = new ArrayList<>();
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private Long seed;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration shutdownTimeout = Duration.ofSeconds(2);
        private int acceptBacklog = DEFAULT_BACKLOG;
        private int eventLoops = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
        private long highWaterMark = DEFAULT_HIGH_WATER_MARK;
        private boolean allowNoRoutes;
        private int journalSize = JournalLog.DEFAULT_SIZE;

        Builder() {
        }

        /**
         * Adds a route: connections to {@code localPort} (0 for an ephemeral port) are forwarded to
         * {@code upstream} ({@code host:port}, {@code ip:port} or {@code [ipv6]:port}). Returns the route's
         * builder, from which the next route or {@code start()} follows.
         */
        public RouteBuilder route(int localPort, String upstream) {
            RouteBuilder route = new RouteBuilder(this, routes.size(), localPort, upstream);
            routes.add(route);
            return route;
        }

        /**
         * Adds a route of several upstreams: each new connection goes to one of them, picked by the route's
         * {@link RouteBuilder#balancing balancing}; a target that cannot be reached fails over to the next, and
         * only when every one failed is the client closed. With one upstream, the same as
         * {@link #route(int, String)}.
         */
        public RouteBuilder route(int localPort, String upstream, String... moreUpstreams) {
            RouteBuilder route = new RouteBuilder(this, routes.size(), localPort, upstream, moreUpstreams);
            routes.add(route);
            return route;
        }

        /**
         * The upstreams of every route declared so far, as given, by route name in declaration order: for a tool
         * that starts stand-in upstreams before the proxy (the CLI's {@code --test-server}), so that the first
         * health check already finds them.
         */
        public Map<String, List<String>> declaredUpstreams() {
            Map<String, List<String>> upstreams = new LinkedHashMap<>();
            for (RouteBuilder route : routes) {
                RouteConfig config = route.config();
                upstreams.put(config.name(), config.upstreams().stream().map(io.chaosproxy.internal.HostPort::text).toList());
            }
            return java.util.Collections.unmodifiableMap(upstreams);
        }

        /** Where every route listens; loopback unless set, so that nothing is opened to the network unasked. */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "bindAddress");
            return this;
        }

        /** Where every route listens, by name or address literal, e.g. {@code "0.0.0.0"} for every interface. */
        public Builder bindAddress(String address) {
            Objects.requireNonNull(address, "bindAddress");
            try {
                return bindAddress(InetAddress.getByName(address));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("bindAddress: \"" + address + "\" is not a known host or address", e);
            }
        }

        /**
         * Adds a listener told of every connection opened and closed, fault injected and upstream error, on
         * the connection's event loop.
         */
        public Builder listener(ChaosListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Fixes the seed of every random decision, so that a run can be replayed. Random unless set. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How long connecting to an upstream may take before the client is closed; default 5 s, at most 1 day. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Check.positive("connectTimeout:", timeout);
            return this;
        }

        /**
         * How long {@link ChaosProxy#close()} lets live connections finish; default 2 s, at most 1 day. Zero cuts
         * them at once.
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = Check.notNegative("shutdownTimeout:", timeout);
            return this;
        }

        /** The listen backlog of every route; default 1024 (small ones make the kernel drop bursts of connects). */
        public Builder acceptBacklog(int backlog) {
            if (backlog < 1) {
                throw new IllegalArgumentException("acceptBacklog: " + backlog + " is less than 1");
            }
            this.acceptBacklog = backlog;
            return this;
        }

        /** How many event-loop threads serve the proxy; default 2, or 1 on a single-core machine. */
        public Builder eventLoops(int count) {
            if (count < 1 || count > 64) {
                throw new IllegalArgumentException("eventLoops: " + count + " is outside 1..64");
            }
            this.eventLoops = count;
            return this;
        }

        /**
         * The most bytes one direction of one connection may hold (delayed, or waiting for a slow reader) before
         * the proxy stops reading from its source; reading resumes below half of it. Default 4 MiB; 64 KiB..1 GiB
         * ({@link #MAX_HIGH_WATER_MARK}). With a latency {@code d} it caps one connection's throughput at about
         * {@code bytes / d}, as a TCP window does.
         */
        public Builder highWaterMark(long bytes) {
            if (bytes < CHUNK_SIZE) {
                throw new IllegalArgumentException("highWaterMark: " + bytes + " bytes is less than " + CHUNK_SIZE);
            }
            if (bytes > MAX_HIGH_WATER_MARK) {
                throw new IllegalArgumentException("highWaterMark: " + bytes + " bytes is more than "
                        + MAX_HIGH_WATER_MARK + " (1 GiB)");
            }
            this.highWaterMark = bytes;
            return this;
        }

        /**
         * How many entries the proxy's {@link ChaosProxy#journal() journal} keeps: past it the oldest are dropped
         * (and counted). Default 4096 (about 0.5 MB of heap when full), at most 1,048,576; 0 turns the journal off.
         */
        public Builder journalSize(int entries) {
            if (entries < 0 || entries > JournalLog.MAX_SIZE) {
                throw new IllegalArgumentException("journalSize: " + entries + " is outside 0.." + JournalLog.MAX_SIZE
                        + "; 0 turns the journal off");
            }
            this.journalSize = entries;
            return this;
        }

        /**
         * Lets {@link #start()} start a proxy with no routes yet, for routes added later with
         * {@link ChaosProxy#addRoute} (as an admin API does). Without it, starting with no routes is an error,
         * since it is usually a forgotten {@code route(...)}.
         */
        public Builder allowNoRoutes() {
            this.allowNoRoutes = true;
            return this;
        }

        /**
         * Checks the routes, resolves every upstream and binds every route.
         *
         * @throws DuplicateException       when two routes share a name or a fixed port
         * @throws IllegalArgumentException for an invalid route (the message names route, field and value)
         * @throws IllegalStateException    when there is no route (unless {@link #allowNoRoutes()}), or a port is in
         *                                  use (then nothing stays bound)
         */
        public ChaosProxy start() {
            if (routes.isEmpty() && !allowNoRoutes) {
                throw new IllegalStateException("no routes; add one with route(localPort, \"host:port\") before start()");
            }
            List<RouteConfig> configs = checkedRoutes();
            long actualSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
            EngineSettings settings = new EngineSettings(bindAddress, actualSeed, connectTimeout, acceptBacklog,
                    eventLoops, highWaterMark, CHUNK_SIZE);
            Engine engine = Engine.start(settings, configs, listeners, new JournalLog(journalSize, System.nanoTime()));
            ChaosProxy proxy = new ChaosProxy(engine, actualSeed, shutdownTimeout);
            for (RouteBuilder route : routes) {
                if (!route.isEnabled()) {
                    proxy.route(route.config().name()).runtime().startDisabled();
                }
            }
            for (Route route : proxy.routes()) {
                log.info("chaos-proxy route={} listening={} upstream={}", route.name(), route.localAddress(),
                        route.upstream());
            }
            log.info("chaos-proxy started: routes={} seed={}", proxy.routes().stream().map(Route::name).toList(),
                    actualSeed);
            for (RouteBuilder route : routes) {
                if (route.schedule() != null) {
                    proxy.route(route.config().name()).play(route.schedule());
                }
            }
            return proxy;
        }

        private List<RouteConfig> checkedRoutes() {
            RouteRules rules = new RouteRules();
            List<RouteConfig> configs = new ArrayList<>();
            for (RouteBuilder route : routes) {
                RouteConfig config = route.config();
                rules.claim(configs.size(), config.name(), config.localPorts());
                configs.add(config);
            }
            return configs;
        }
    }
}
