package io.chaosproxy.internal;

import io.chaosproxy.Connection;
import io.chaosproxy.Fault;
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
 * A running route: its listener, which accepts on one loop and hands each connection to the next loop of the
 * group; its current faults, which every live connection follows; and its live connections.
 */
public final class RouteRuntime implements IoHandler {
    private static final Logger log = LoggerFactory.getLogger(RouteRuntime.class);
    private static final int MAX_ACCEPTS_PER_TURN = 64;
    private static final java.time.Duration ACCEPT_RETRY = java.time.Duration.ofMillis(100);

    private final Engine engine;
    private final RouteConfig config;
    private final EngineSettings settings;
    private final InetSocketAddress upstreamAddress;
    private final EventLoop acceptLoop;
    private final RouteCounters counters = new RouteCounters();
    private final SplittableRandom random;   // accept loop only: connection seeds follow accept order
    private final Set<ProxiedConnection> connections = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();           // the fault list
    // The listener's own lock, never held by a fault change: disable() waits for the accept loop while holding
    // it, and a listener running on that loop may change faults meanwhile.
    private final Object listenerLock = new Object();
    private volatile List<Fault> faults;
    private volatile boolean enabled = true;
    private ServerSocketChannel listener;     // guarded by listenerLock
    private SelectionKey listenerKey;         // accept loop only
    private volatile InetSocketAddress localAddress;

    RouteRuntime(Engine engine, RouteConfig config, InetSocketAddress upstreamAddress, EngineSettings settings,
            EventLoop acceptLoop) {
        this.engine = engine;
        this.config = config;
        this.settings = settings;
        this.acceptLoop = acceptLoop;
        this.upstreamAddress = upstreamAddress;
        this.faults = config.faults();
        this.random = new SplittableRandom(routeSeed(settings.seed(), config.name()));
    }

    /** The same proxy seed and route name give the same sequence, whatever other routes exist. */
    static long routeSeed(long proxySeed, String routeName) {
        long h = proxySeed;
        for (byte b : routeName.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001b3L;
        }
        return new SplittableRandom(h).nextLong();
    }

    /** Binds the listener; a port in use fails with a message that names port and route. */
    void bind(int port) {
        InetSocketAddress address = new InetSocketAddress(settings.bindAddress(), port);
        try {
            ServerSocketChannel channel = ServerSocketChannel.open();
            try {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(address, settings.acceptBacklog());
                channel.configureBlocking(false);
                localAddress = (InetSocketAddress) channel.getLocalAddress();
                acceptLoop.call(() -> listenerKey = acceptLoop.register(channel, SelectionKey.OP_ACCEPT, this));
                listener = channel;
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
                acceptLoop.schedule(new Timer(() -> {
                    if (key.isValid()) {
                        key.interestOps(SelectionKey.OP_ACCEPT);
                    }
                }), acceptLoop.nanoTime() + ACCEPT_RETRY.toNanos());
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
            // The loop is gone (the proxy is closing): undo the bookkeeping and let the client go.
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
        synchronized (lock) {
            if (indexOf(fault.name()) >= 0) {
                throw new IllegalArgumentException("route '" + config.name() + "': a fault named '" + fault.name()
                        + "' exists already; use updateFault to change it, or give the new one another name");
            }
            List<Fault> next = new ArrayList<>(faults);
            next.add(fault);
            setFaults(next);
        }
    }

    public void updateFault(Fault fault) {
        synchronized (lock) {
            int index = indexOf(fault.name());
            if (index < 0) {
                throw noSuchFault(fault.name());
            }
            List<Fault> next = new ArrayList<>(faults);
            next.set(index, fault);
            setFaults(next);
        }
    }

    public void removeFault(String name) {
        synchronized (lock) {
            int index = indexOf(name);
            if (index < 0) {
                throw noSuchFault(name);
            }
            List<Fault> next = new ArrayList<>(faults);
            next.remove(index);
            setFaults(next);
        }
    }

    /** Replaces every fault at once (names must be unique; the caller checked). */
    public void setFaults(List<Fault> next) {
        synchronized (lock) {
            faults = List.copyOf(next);
        }
        for (ProxiedConnection connection : connections) {
            connection.onLoop(connection::reconcileRouteFaults);
        }
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

    public boolean isEnabled() {
        return enabled;
    }

    /** Closes the listener (clients get "connection refused") and cuts every live connection. */
    public void disable() {
        synchronized (listenerLock) {
            if (!enabled) {
                return;
            }
            enabled = false;
            closeListener();
        }
        closeConnections(false);
        log.info("chaos-proxy route={} disabled", config.name());
    }

    /** Binds the same port again. */
    public void enable() {
        synchronized (listenerLock) {
            if (enabled) {
                return;
            }
            bind(localAddress.getPort());
            enabled = true;
        }
        log.info("chaos-proxy route={} enabled listening={}", config.name(), localAddress);
    }

    public List<Connection> connections() {
        List<Connection> live = new ArrayList<>(connections);
        live.sort(java.util.Comparator.comparingLong(Connection::id));
        return live;
    }

    public void closeConnections(boolean reset) {
        for (ProxiedConnection connection : connections) {
            if (reset) {
                connection.reset();
            } else {
                connection.close();
            }
        }
    }

    /** Stops accepting and frees the port before returning. Idempotent; any thread. */
    void closeListener() {
        synchronized (listenerLock) {
            ServerSocketChannel channel = listener;
            if (channel == null) {
                return;
            }
            listener = null;
            acceptLoop.call(() -> {
                if (listenerKey != null) {
                    listenerKey.cancel();
                }
                EventLoop.closeQuietly(channel);
                acceptLoop.flushCancelledKeys();   // only now does the kernel release the port
                return null;
            });
        }
    }

    @Override
    public void onLoopClosing() {
        // The loop closes the listener's channel itself.
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

    /** The upstream's address; null for a route that resolves it for each connection. */
    InetSocketAddress upstreamAddress() {
        return upstreamAddress;
    }

    /** The address the listener is (or was last) bound to, with the real port. */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public RouteCounters counters() {
        return counters;
    }

    @Override
    public String toString() {
        return config.name() + " " + localAddress + " -> " + config.upstream();
    }
}
