package io.chaosproxy.internal;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running route: its listener, which accepts on one loop, decides drops and hands each kept connection to
 * the next loop of the group.
 */
public final class RouteRuntime implements IoHandler {
    private static final Logger log = LoggerFactory.getLogger(RouteRuntime.class);
    private static final int MAX_ACCEPTS_PER_TURN = 64;

    private final Engine engine;
    private final RouteConfig config;
    private final EngineSettings settings;
    private final InetSocketAddress upstreamAddress;
    private final EventLoop acceptLoop;
    private final RouteCounters counters = new RouteCounters();
    private final SplittableRandom random;   // accept loop only: decisions follow accept order
    private ServerSocketChannel listener;
    private SelectionKey listenerKey;
    private volatile InetSocketAddress localAddress;

    RouteRuntime(Engine engine, RouteConfig config, InetSocketAddress upstreamAddress, EngineSettings settings,
            EventLoop acceptLoop) {
        this.engine = engine;
        this.config = config;
        this.settings = settings;
        this.acceptLoop = acceptLoop;
        this.upstreamAddress = upstreamAddress;
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
    void bind() {
        InetSocketAddress address = new InetSocketAddress(settings.bindAddress(), config.localPort());
        try {
            ServerSocketChannel channel = ServerSocketChannel.open();
            try {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(address, settings.acceptBacklog());
                channel.configureBlocking(false);
                localAddress = (InetSocketAddress) channel.getLocalAddress();
                listenerKey = acceptLoop.call(() -> acceptLoop.register(channel, SelectionKey.OP_ACCEPT, this));
                listener = channel;
            } catch (IOException | RuntimeException e) {
                EventLoop.closeQuietly(channel);
                throw e;
            }
        } catch (BindException e) {
            throw new IllegalStateException("port " + config.localPort() + " is already in use (route '" + config.name()
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
                channel = listener.accept();
            } catch (IOException e) {
                log.warn("route={} accept failed: {}", config.name(), e.toString());
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
        // Draw both numbers for every connection, so one decision never shifts the others.
        boolean drop = random.nextDouble() < config.dropRate();
        long connectionSeed = random.nextLong();
        long id = engine.nextConnectionId();
        if (drop) {
            counters.dropped();
            log.debug("route={} conn={} client={} dropped by chaos", config.name(), id, remote(channel));
            EventLoop.closeQuietly(channel);
            return;
        }
        log.debug("route={} conn={} client={} connection opened", config.name(), id, remote(channel));
        EventLoop loop = engine.nextLoop();
        Connection connection;
        try {
            connection = new Connection(id, this, loop, channel, connectionSeed);
        } catch (IOException e) {
            log.warn("route={} conn={} cannot open a socket to the upstream: {}", config.name(), id, e.toString());
            EventLoop.closeQuietly(channel);
            return;
        }
        counters.opened();
        engine.connectionOpened();
        loop.execute(connection::start);
    }

    private static String remote(SocketChannel channel) {
        try {
            return String.valueOf(channel.getRemoteAddress());
        } catch (IOException e) {
            return "?";
        }
    }

    void connectionClosed() {
        counters.closed();
        engine.connectionClosed();
    }

    /** Stops accepting and frees the port before returning. Idempotent; any thread. */
    void closeListener() {
        if (listener == null) {
            return;
        }
        acceptLoop.call(() -> {
            if (listenerKey != null) {
                listenerKey.cancel();
            }
            EventLoop.closeQuietly(listener);
            acceptLoop.flushCancelledKeys();   // only now does the kernel release the port
            return null;
        });
    }

    @Override
    public void onLoopClosing() {
        EventLoop.closeQuietly(listener);
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

    InetSocketAddress upstreamAddress() {
        return upstreamAddress;
    }

    /** The address the listener is bound to, with the real port. */
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
