package io.chaosproxy.internal;

import io.chaosproxy.ChaosListener;
import io.chaosproxy.JournalEntry.Kind;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** The running machinery of one proxy: its loops and routes. Built and closed by {@code ChaosProxy}. */
public final class Engine {
    private final EventLoopGroup loops;
    private final Events events;
    private final List<RouteRuntime> routes = new CopyOnWriteArrayList<>();
    private final EngineSettings settings;
    private final UpstreamResolver resolver;
    private final ScenarioClock scenarioClock;
    private final AtomicLong connectionIds = new AtomicLong();
    private final Object activeLock = new Object();
    private int active;   // guarded by activeLock

    private Engine(EngineSettings settings, List<ChaosListener> listeners, JournalLog journal) {
        this.settings = settings;
        this.events = new Events(listeners, journal);
        this.loops = new EventLoopGroup(settings.eventLoops(), settings.chunkSize());
        this.resolver = new UpstreamResolver(loops.name());
        this.scenarioClock = new ScenarioClock(loops.name());
        loops.onAcceptorReplaced(() -> routes.forEach(RouteRuntime::moveListener));
    }

    /**
     * Resolves every upstream, then binds every route. On any failure nothing stays bound or running and
     * the exception says which route failed and why.
     */
    public static Engine start(EngineSettings settings, List<RouteConfig> configs, List<ChaosListener> listeners,
            JournalLog journal) {
        List<List<InetSocketAddress>> upstreams = new ArrayList<>();
        for (RouteConfig config : configs) {
            try {
                upstreams.add(resolveAtStart(config));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("route '" + config.name() + "': " + e.getMessage(), e);
            }
        }
        Engine engine = new Engine(settings, listeners, journal);
        try {
            for (int i = 0; i < configs.size(); i++) {
                RouteRuntime route = new RouteRuntime(engine, configs.get(i), upstreams.get(i), settings);
                engine.routes.add(route);   // before binding: a failed bind still stops what the route started
                route.bind();
            }
            return engine;
        } catch (RuntimeException e) {
            engine.stopAccepting();
            engine.closeLoops();
            throw e;
        }
    }

    /** Each upstream's address, or nulls for a route that resolves them for each connection. */
    private static List<InetSocketAddress> resolveAtStart(RouteConfig config) {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (HostPort upstream : config.upstreams()) {
            addresses.add(config.resolveOnConnect() ? null : upstream.resolve());
        }
        return addresses;
    }

    public List<RouteRuntime> routes() {
        return List.copyOf(routes);
    }

    /** Resolves, binds and starts one more route; the others are undisturbed. */
    public RouteRuntime addRoute(RouteConfig config) {
        List<InetSocketAddress> upstream;
        try {
            upstream = resolveAtStart(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("route '" + config.name() + "': " + e.getMessage(), e);
        }
        RouteRuntime route = new RouteRuntime(this, config, upstream, settings);
        try {
            route.bind();
        } catch (RuntimeException e) {
            route.stopForGood();
            throw e;
        }
        routes.add(route);
        journal().add(route.name(), 0, Kind.ROUTE_ADDED, null, "listening on " + route.localAddresses().stream()
                .map(JournalEvents::address).toList() + " to " + config.upstreams().stream().map(HostPort::text).toList());
        return route;
    }

    /** Stops the route's listener (its port is free when this returns) and forgets the route. */
    public void removeRoute(RouteRuntime route) {
        route.stopForGood();   // no later enable() may bind a route nobody can see any more
        routes.remove(route);
        journal().add(route.name(), 0, Kind.ROUTE_REMOVED, null, "");
    }

    /** Stops accepting on every route for good (no enable() binds again); returns when every port is free. */
    public void stopAccepting() {
        for (RouteRuntime route : routes) {
            route.stopForGood();
        }
    }

    /** Waits up to {@code timeout} for live connections to end by themselves; returns how many remain. */
    public int awaitConnections(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (activeLock) {
            while (active > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                TimeUnit.NANOSECONDS.timedWait(activeLock, left);
            }
            return active;
        }
    }

    /** Closes what is left and ends every loop thread. */
    public void closeLoops() {
        try {
            scenarioClock.close();
            resolver.close();
        } finally {
            loops.close();
        }
    }

    /** The thread that plays this proxy's scenarios. */
    public ScenarioClock scenarioClock() {
        return scenarioClock;
    }

    /** Tells the listeners of {@code event}, on the calling thread; nothing is built when nobody listens. */
    public void publish(java.util.function.Supplier<? extends io.chaosproxy.ChaosEvent> event) {
        events.fireIfListened(event);
    }

    /** Whether the calling thread is any proxy's event loop, which must never wait for a loop. */
    public static boolean onAnyLoop() {
        return EventLoop.onAnyLoop();
    }

    /** The number in this proxy's thread names. */
    public String name() {
        return loops.name();
    }

    Events events() {
        return events;
    }

    /** What the proxy did; see {@link io.chaosproxy.Journal}. */
    public JournalLog journal() {
        return events.journal();
    }

    UpstreamResolver resolver() {
        return resolver;
    }

    EventLoop nextLoop() {
        return loops.next();
    }

    EventLoop acceptor() {
        return loops.acceptor();
    }


    long nextConnectionId() {
        return connectionIds.incrementAndGet();
    }

    void connectionOpened() {
        synchronized (activeLock) {
            active++;
        }
    }

    void connectionClosed() {
        synchronized (activeLock) {
            if (--active == 0) {
                activeLock.notifyAll();
            }
        }
    }
}
