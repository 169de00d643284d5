package io.chaosproxy.internal;

import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Fault;
import io.chaosproxy.JournalEntry.Kind;
import io.chaosproxy.spi.FaultTypes;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running route: its listener, which accepts on the group's acceptor and hands each connection to the next
 * worker loop; its current faults, which every live connection follows; and its live connections.
 *
 * <p>Every public method may be called from any thread, a listener on any loop too. No internal lock is held
 * while user code runs or while a worker loop is waited for; the acceptor, which runs no user code and never
 * waits, may be waited for under the listener's lock. A change is done when the call returns, except that a
 * caller on a worker loop does not wait for the other workers: their connections follow within one turn.
 */
public final class RouteRuntime implements IoHandler {
    private static final Logger log = LoggerFactory.getLogger(RouteRuntime.class);
    private static final int MAX_ACCEPTS_PER_TURN = 64;
    private static final java.time.Duration ACCEPT_RETRY = java.time.Duration.ofMillis(100);

    private final Engine engine;
    private final RouteConfig config;
    private final EngineSettings settings;
    private final UpstreamPool pool;
    private final ConnectionLimits limits;   // acceptor only
    private final RouteCounters counters = new RouteCounters();
    private final SplittableRandom random;   // accept loop only: connection seeds follow accept order
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();           // the fault list; never held while waiting for anything
    // The listener's state; held while waiting for the acceptor only, which takes no lock and runs no user code.
    private final Object listenerLock = new Object();
    private volatile List<Fault> faults;
    private volatile boolean enabled = true;
    private volatile boolean stopped;         // written under listenerLock: the proxy is closing, never bind again
    private final List<ServerSocketChannel> listeners = new ArrayList<>();   // guarded by listenerLock
    private final java.util.Map<ServerSocketChannel, SelectionKey> listenerKeys = new java.util.HashMap<>();   // acceptor only
    private volatile List<InetSocketAddress> localAddresses = List.of();
    private HealthChecker health;             // null without health checks; guarded by listenerLock
    // Null without preconnect, and while disabled or stopped; written under listenerLock, read by connecting loops.
    private volatile Preconnector preconnector;

    /** {@code resolved} holds each upstream's address in declaration order, null ones for a route resolving late. */
    RouteRuntime(Engine engine, RouteConfig config, List<InetSocketAddress> resolved, EngineSettings settings) {
        this.engine = engine;
        this.config = config;
        this.settings = settings;
        this.faults = config.faults();
        this.random = new SplittableRandom(routeSeed(settings.seed(), config.name()));
        List<UpstreamTarget> targets = new ArrayList<>();
        for (int i = 0; i < config.upstreams().size(); i++) {
            HostPort address = config.upstreams().get(i);
            targets.add(new UpstreamTarget(config.name(), i, address, resolved.get(i), config.pool(),
                    engine.events(), config.upstreamFaults().getOrDefault(address.text(), List.of())));
        }
        this.pool = new UpstreamPool(targets, config.pool().balancing());
        this.limits = new ConnectionLimits(config.pool().maxConnections(), config.pool().connectionRate());
    }

    /** The same proxy seed and route name give the same sequence, whatever other routes exist. */
    public static long routeSeed(long proxySeed, String routeName) {
        long h = proxySeed;
        for (byte b : routeName.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001b3L;
        }
        return new SplittableRandom(h).nextLong();
    }

    /**
     * Binds a listener on each of the route's ports, and starts its health checks; a port in use fails with a
     * message that names port and route, and leaves none of the route's ports bound.
     */
    void bind() {
        synchronized (listenerLock) {
            bindLocked(config.localPorts());
            if (config.pool().healthChecked()) {
                health = new HealthChecker(this);
                health.start();
            }
            startPreconnecting();
        }
    }

    /** Pre-opens idle upstream connections, if the route asks for them. Under listenerLock. */
    private void startPreconnecting() {
        if (config.pool().preconnect() > 0 && preconnector == null) {
            preconnector = Preconnector.start(this);
        }
    }

    /** Takes the keeper of idle connections away, for the caller to stop outside the lock. Under listenerLock. */
    private Preconnector detachPreconnector() {
        Preconnector keeper = preconnector;
        preconnector = null;
        return keeper;
    }

    private static void stop(Preconnector keeper) {
        if (keeper != null) {
            keeper.stop();
        }
    }

    private void bindLocked(List<Integer> ports) {
        List<InetSocketAddress> bound = new ArrayList<>();
        try {
            for (int port : ports) {
                bound.add(bindOne(port));
            }
        } catch (RuntimeException e) {
            closeListener();
            throw e;
        }
        localAddresses = List.copyOf(bound);
    }

    private InetSocketAddress bindOne(int port) {
        InetSocketAddress address = new InetSocketAddress(settings.bindAddress(), port);
        try {
            ServerSocketChannel channel = ServerSocketChannel.open();
            try {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(address, settings.acceptBacklog());
                channel.configureBlocking(false);
                register(channel);
                listeners.add(channel);
                return (InetSocketAddress) channel.getLocalAddress();
            } catch (IOException | RuntimeException e) {
                EventLoop.closeQuietly(channel);
                throw e;
            }
        } catch (BindException e) {
            throw new IllegalStateException("port " + port + " is already in use (route '" + config.name()
                    + "'); pick a free port or 0 for an ephemeral one", e);
        } catch (IOException e) {
            throw new IllegalStateException("route '" + config.name() + "': cannot listen on " + address + ": " + e, e);
        }
    }

    /** Hands the listener to the acceptor and waits: the acceptor never waits, so this is safe from any thread. */
    private void register(ServerSocketChannel channel) {
        EventLoop acceptor = engine.acceptor();
        try {
            acceptor.call(() -> listenerKeys.put(channel, acceptor.register(channel, SelectionKey.OP_ACCEPT, this)));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new IllegalStateException("route '" + config.name() + "': the proxy is closing", e);
        }
    }

    /** The acceptor failed and was replaced: the listeners, still bound, go on on the new one. */
    void moveListener() {
        synchronized (listenerLock) {
            try {
                for (ServerSocketChannel listener : listeners) {
                    register(listener);
                }
            } catch (RuntimeException e) {
                // Closed, so that clients are refused rather than left in a backlog nobody accepts from.
                log.error("route={} cannot move its listener to the new acceptor; the route is down", config.name(), e);
                listeners.forEach(EventLoop::closeQuietly);
                listeners.clear();
                enabled = false;
            }
        }
    }

    @Override
    public void onReady(SelectionKey key) {
        for (int i = 0; i < MAX_ACCEPTS_PER_TURN; i++) {
            SocketChannel channel;
            try {
                channel = ((ServerSocketChannel) key.channel()).accept();
            } catch (IOException e) {
                // OP_ACCEPT is level-triggered: without a pause a lasting error (too many open files) spins.
                log.warn("route={} accept failed: {}; pausing accepts for {}ms", config.name(), e.toString(),
                        ACCEPT_RETRY.toMillis());
                key.interestOps(0);
                EventLoop acceptor = engine.acceptor();
                acceptor.schedule(new Timer(() -> {
                    if (key.isValid()) {
                        key.interestOps(SelectionKey.OP_ACCEPT);
                    }
                }), acceptor.nanoTime() + ACCEPT_RETRY.toNanos());
                return;
            }
            if (channel == null) {
                return;
            }
            accept(channel);
        }
    }

    private void accept(SocketChannel channel) {
        counters.accepted();
        if (!limits.none() && !limits.admit(counters.activeConnections(), engine.acceptor().nanoTime())) {
            counters.refusedByLimit();
            log.debug("route={} client closed at once: the route's connection limit or rate is reached", config.name());
            EventLoop.closeQuietly(channel);
            return;
        }
        long seed = random.nextLong();
        long id = engine.nextConnectionId();
        EventLoop loop = engine.nextLoop();
        ProxiedConnection connection;
        try {
            connection = new ProxiedConnection(id, this, loop, channel, seed);
        } catch (IOException | RuntimeException e) {
            log.warn("route={} conn={} cannot open a socket to the upstream: {}", config.name(), id, e.toString());
            EventLoop.closeQuietly(channel);
            return;
        }
        if (log.isDebugEnabled()) {
            log.debug("route={} conn={} client={} connection opened", config.name(), id, connection.clientAddress());
        }
        counters.opened();
        engine.connectionOpened();
        connections.add(connection);
        try {
            loop.execute(connection::start);
        } catch (RuntimeException e) {
            // The loop is gone (the proxy is closing, or the loop failed and is being replaced): the client is
            // reset, never left waiting.
            connection.abandon();
        }
    }

    UpstreamResolver resolver() {
        return engine.resolver();
    }

    void connectionClosed(ProxiedConnection connection) {
        if (connections.remove(connection)) {
            counters.closed();
            engine.connectionClosed();
        }
    }

    // ---- faults, thread-safe ----

    public List<Fault> faults() {
        return faults;
    }

    public void addFault(Fault fault) {
        FaultTypes.of(fault);   // fails now, in the caller, for a fault nobody registered
        String text = fault.toString();   // a fault of the user's: its code runs outside the lock
        synchronized (lock) {
            RouteRules.checkNewFault(config.name(), faults, fault);
            for (UpstreamTarget target : pool.targets()) {
                RouteRules.checkNewFault(config.name(), target.faults(), fault);
            }
            List<Fault> next = new ArrayList<>(faults);
            next.add(fault);
            faults = List.copyOf(next);
            journal(Kind.FAULT_ADDED, fault.name(), text);   // under the lock: journaled in the order applied
        }
        applyFaults();
    }

    public void updateFault(Fault fault) {
        FaultTypes.of(fault);   // fails now, in the caller, for a fault nobody registered
        String text = fault.toString();   // a fault of the user's: its code runs outside the lock
        synchronized (lock) {
            int index = indexOf(fault.name());
            if (index < 0) {
                throw noSuchFault(fault.name());
            }
            List<Fault> next = new ArrayList<>(faults);
            next.set(index, fault);
            faults = List.copyOf(next);
            journal(Kind.FAULT_UPDATED, fault.name(), text);
        }
        applyFaults();
    }

    public void removeFault(String name) {
        synchronized (lock) {
            int index = indexOf(name);
            if (index < 0) {
                throw noSuchFault(name);
            }
            List<Fault> next = new ArrayList<>(faults);
            next.remove(index);
            faults = List.copyOf(next);
            journal(Kind.FAULT_REMOVED, name, "");
        }
        applyFaults();
    }

    /**
     * Replaces every fault at once: a fault whose name and value stay the same goes on undisturbed on live
     * connections (what it holds, its toxicity decision), so there is never a moment without it.
     *
     * @throws io.chaosproxy.DuplicateException when two faults share a name
     */
    public void setFaults(List<Fault> next) {
        List<Fault> copy = List.copyOf(next);
        changeFaults(current -> copy);
    }

    /**
     * As {@link #setFaults}, with the next list made by {@code change} from the current one under the fault lock,
     * so that a change another thread makes meanwhile (an addFault) is never lost. {@code change} is ours, never
     * user code.
     */
    public void changeFaults(java.util.function.UnaryOperator<List<Fault>> change) {
        synchronized (lock) {
            List<Fault> copy = List.copyOf(change.apply(faults));
            copy.forEach(FaultTypes::of);
            RouteRules.checkFaults(config.name(), copy);
            for (UpstreamTarget target : pool.targets()) {
                for (Fault fault : copy) {
                    RouteRules.checkNewFault(config.name(), target.faults(), fault);
                }
            }
            faults = copy;
            if (copy.isEmpty()) {
                journal(Kind.FAULTS_CLEARED, null, "");
            } else {
                journal(Kind.FAULTS_SET, null, copy.stream().map(Fault::name).toList().toString());
            }
        }
        applyFaults();
    }

    /**
     * Back to the faults the route was configured with, its upstreams' too, in one step (see {@link #setFaults}):
     * nothing changed at run time is left, and no fault moved between the route and an upstream clashes.
     */
    public void restoreFaults() {
        synchronized (lock) {
            faults = config.faults();
            for (UpstreamTarget target : pool.targets()) {
                target.faults(config.upstreamFaults().getOrDefault(target.address().text(), List.of()));
            }
            journal(Kind.FAULTS_RESTORED, null, config.faults().stream().map(Fault::name).toList().toString());
        }
        applyFaults();
    }

    /** The faults a connection to {@code target} follows: the route's, then the target's; the route's before one. */
    List<Fault> faultsFor(UpstreamTarget target) {
        List<Fault> routeFaults = faults;
        if (target == null) {
            return routeFaults;
        }
        List<Fault> own = target.faults();
        if (own.isEmpty()) {
            return routeFaults;
        }
        List<Fault> all = new ArrayList<>(routeFaults.size() + own.size());
        all.addAll(routeFaults);
        all.addAll(own);
        return all;
    }

    /**
     * Changes the faults of one upstream in one step: {@code change} maps its current list to the next, under the
     * route's fault lock (so two changes never lose one another); its live connections follow, as for the route's.
     * An upstream the route names twice has one list, as the builder gave it: both places change.
     *
     * @throws io.chaosproxy.DuplicateException when two faults share a name, or one has the name of a route fault
     */
    public void changeUpstreamFaults(UpstreamTarget target, java.util.function.UnaryOperator<List<Fault>> change) {
        String label = config.name() + "' upstream '" + target.address().text();
        synchronized (lock) {
            List<Fault> next = List.copyOf(change.apply(target.faults()));
            next.forEach(FaultTypes::of);
            RouteRules.checkFaults(label, next);
            for (Fault fault : next) {
                RouteRules.checkNewFault(config.name(), faults, fault);
            }
            for (UpstreamTarget same : pool.targets()) {
                if (same.address().text().equals(target.address().text())) {
                    same.faults(next);
                }
            }
            journal(Kind.FAULTS_SET, target.address().text(), next.stream().map(Fault::name).toList().toString());
        }
        applyFaults();
    }

    /** Brings every live connection in line with the current faults; each reads the latest list itself. */
    private void applyFaults() {
        forEachConnection(ProxiedConnection::reconcileRouteFaults);
    }

    /**
     * Runs {@code action} for every live connection on its own loop, and returns when it is done: at once for
     * the calling loop's connections, after waiting for the others from a thread that is no loop, and without
     * waiting for them (posted) from another worker loop, as one worker must never wait for another.
     */
    private void forEachConnection(java.util.function.Consumer<ProxiedConnection> action) {
        java.util.Map<EventLoop, List<ProxiedConnection>> byLoop = new java.util.IdentityHashMap<>();
        for (ProxiedConnection connection : connections) {
            byLoop.computeIfAbsent(connection.loop(), l -> new ArrayList<>()).add(connection);
        }
        byLoop.forEach((loop, onIt) -> loop.runFromAnywhere(() -> onIt.forEach(action)));
    }

    private int indexOf(String name) {
        List<Fault> current = faults;
        for (int i = 0; i < current.size(); i++) {
            if (current.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private NoSuchElementException noSuchFault(String name) {
        List<String> names = faults.stream().map(Fault::name).toList();
        return new NoSuchElementException("route '" + config.name() + "' has no fault named '" + name
                + "'; it has " + names);
    }

    // ---- enable, disable, connections ----

    /** Whether the route was removed or its proxy is closing: it never binds again. */
    public boolean stoppedForGood() {
        return stopped;
    }

    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Closes the listener (clients get "connection refused"), cuts every live connection and closes the idle ones
     * opened ahead of time.
     */
    public void disable() {
        Preconnector keeper;
        synchronized (listenerLock) {
            if (!enabled) {
                return;
            }
            enabled = false;
            closeListener();
            keeper = detachPreconnector();
        }
        journal(Kind.DISABLED, null, "");
        stop(keeper);
        cutAll(false);
        log.info("chaos-proxy route={} disabled", config.name());
    }

    /**
     * A route configured disabled: bound (so that its port is fixed, and enable() gets the same one), then closed
     * again before any connection is handed over.
     */
    public void startDisabled() {
        Preconnector keeper;
        synchronized (listenerLock) {
            closeListener();
            enabled = false;
            keeper = detachPreconnector();
        }
        stop(keeper);
    }

    /** Binds the same port again; nothing once the proxy is closing. */
    public void enable() {
        synchronized (listenerLock) {
            if (enabled || stopped) {
                return;
            }
            bindLocked(localAddresses.stream().map(InetSocketAddress::getPort).toList());
            enabled = true;
            startPreconnecting();
        }
        journal(Kind.ENABLED, null, "");
        log.info("chaos-proxy route={} enabled listening={}", config.name(), localAddresses);
    }

    public List<ChaosConnection> connections() {
        List<ChaosConnection> live = new ArrayList<>(connections);
        live.sort(java.util.Comparator.comparingLong(ChaosConnection::id));
        return live;
    }

    /**
     * Closes every live connection: with an RST when {@code reset}, else as a cut (see
     * {@code ProxiedConnection.cut}): a FIN only for a stream its sender had ended, an RST for any other.
     */
    public void closeConnections(boolean reset) {
        journal(Kind.CONNECTIONS_CLOSED, null, connections.size() + " live" + (reset ? ", reset" : ", cut"));
        cutAll(reset);
    }

    private void cutAll(boolean reset) {
        if (reset) {
            forEachConnection(connection -> connection.closeBy("reset by the test", true));
        } else {
            forEachConnection(connection -> connection.cut("closed by the test"));
        }
    }

    /**
     * The proxy is closing: the listeners close, health checks stop, idle connections opened ahead of time close,
     * and no later enable() may open again.
     */
    void stopForGood() {
        HealthChecker checker;
        Preconnector keeper;
        synchronized (listenerLock) {
            stopped = true;
            closeListener();
            checker = health;
            health = null;
            keeper = detachPreconnector();
        }
        if (checker != null) {
            checker.stop();   // not under the lock: a probe's thread may be telling a listener, which may call back
        }
        stop(keeper);
    }

    /** Stops accepting and frees the ports before returning. Idempotent; any thread, any loop. */
    public void closeListener() {
        synchronized (listenerLock) {
            if (listeners.isEmpty()) {
                return;
            }
            List<ServerSocketChannel> closing = List.copyOf(listeners);
            listeners.clear();
            EventLoop acceptor = engine.acceptor();
            try {
                acceptor.call(() -> {
                    for (ServerSocketChannel channel : closing) {
                        SelectionKey key = listenerKeys.remove(channel);
                        if (key != null) {
                            key.cancel();
                        }
                        EventLoop.closeQuietly(channel);
                    }
                    acceptor.flushCancelledKeys();   // only now does the kernel release the ports
                    return null;
                });
            } catch (RuntimeException e) {
                closing.forEach(EventLoop::closeQuietly);   // the acceptor is gone, and the ports with its selector
            }
        }
    }

    @Override
    public boolean onLoopClosing(boolean failed) {
        // Closing: the loop closes the listener's channel. Failed: the channel stays bound and moves on to the
        // new acceptor (moveListener), so the port never refuses in between.
        return failed;
    }

    @Override
    public void onFailure() {
        log.error("route={} the listener failed; it goes on accepting", config.name());
    }


    public String name() {
        return config.name();
    }

    public RouteConfig config() {
        return config;
    }

    EngineSettings settings() {
        return settings;
    }

    Events events() {
        return engine.events();
    }

    JournalLog journal() {
        return engine.journal();
    }

    /** Notes a change of the route in the journal; {@code subject} is the fault's (or upstream's) name, or null. */
    private void journal(Kind kind, String subject, String detail) {
        journal().add(config.name(), 0, kind, subject, detail);
    }

    /** The first upstream's address; null for a route that resolves it for each connection. */
    InetSocketAddress upstreamAddress() {
        return pool.get(0).resolved();
    }

    UpstreamPool pool() {
        return pool;
    }

    /** The keeper of idle connections opened ahead of time; null when the route has none (now). */
    Preconnector preconnector() {
        return preconnector;
    }

    /** The route's upstreams, in declaration order. */
    public List<UpstreamTarget> upstreams() {
        return pool.targets();
    }

    /** This route's connect timeout, or the proxy's. */
    java.time.Duration connectTimeout() {
        java.time.Duration own = config.pool().connectTimeout();
        return own != null ? own : settings.connectTimeout();
    }

    /** The address the main listener is (or was last) bound to, with the real port. */
    public InetSocketAddress localAddress() {
        List<InetSocketAddress> addresses = localAddresses;
        return addresses.isEmpty() ? null : addresses.get(0);
    }

    /** Every address the route listens (or last listened) on, the main one first. */
    public List<InetSocketAddress> localAddresses() {
        return localAddresses;
    }

    public RouteCounters counters() {
        return counters;
    }

    @Override
    public String toString() {
        return config.name() + " " + localAddresses + " -> " + config.upstreams();
    }
}
