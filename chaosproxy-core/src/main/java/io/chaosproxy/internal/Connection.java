package io.chaosproxy.internal;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied TCP connection: the client's socket, a socket to the upstream, and a pipe each way.
 * <pre>
 *   client  --[upstream pipe:   stages]-->  upstream
 *   client  <--[downstream pipe: stages]--  upstream
 * </pre>
 * Both sockets are registered with the same loop and every field is touched by that loop only, so nothing
 * here needs a lock or a volatile. EOF from one side reaches the other as a half-close once the bytes in front
 * of it are written; the connection ends when both directions have finished, or at once with an RST on both
 * sides when either side fails or resets.
 */
final class Connection implements IoHandler {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final long id;
    private final RouteRuntime route;
    private final EventLoop loop;
    private final Endpoint client;
    private final Endpoint upstream;
    private final Pipe upstreamPipe;
    private final Pipe downstreamPipe;
    private final Timer connectTimer;
    private final long openedNanos;
    private boolean connected;
    private boolean closed;

    Connection(long id, RouteRuntime route, EventLoop loop, SocketChannel clientChannel, long seed) throws IOException {
        this.id = id;
        this.route = route;
        this.loop = loop;
        this.openedNanos = loop.nanoTime();
        this.client = new Endpoint(clientChannel, "client");
        this.upstream = new Endpoint(SocketChannel.open(), "upstream");
        SplittableRandom random = new SplittableRandom(seed);
        RouteConfig config = route.config();
        this.upstreamPipe = new Pipe(this, client, upstream, true, config.upstreamStages(), random.split(),
                route.settings());
        this.downstreamPipe = new Pipe(this, upstream, client, false, config.downstreamStages(), random.split(),
                route.settings());
        this.connectTimer = new Timer(this::onConnectTimeout);
    }

    /** Registers both sockets and starts connecting to the upstream. Loop thread. */
    void start() {
        try {
            configure(client.channel);
            configure(upstream.channel);
            client.key = loop.register(client.channel, 0, this);
            upstream.key = loop.register(upstream.channel, 0, this);
            if (upstream.channel.connect(route.upstreamAddress())) {
                onConnected();
            } else {
                upstream.want(SelectionKey.OP_CONNECT, true);
                loop.schedule(connectTimer, loop.nanoTime() + route.settings().connectTimeout().toNanos());
            }
        } catch (IOException | RuntimeException e) {
            upstreamFailed(e.toString());
        }
    }

    private static void configure(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        // Chunks are forwarded as they come; Nagle would add delay the user did not ask for.
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    @Override
    public void onReady(SelectionKey key) {
        int ready = key.readyOps();
        Endpoint endpoint = key == client.key ? client : upstream;
        if (endpoint == upstream && (ready & SelectionKey.OP_CONNECT) != 0) {
            finishConnect();
            return;
        }
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            pipeInto(endpoint).onWritable();
        }
        if (!closed && (ready & SelectionKey.OP_READ) != 0) {
            pipeFrom(endpoint).onReadable();
        }
    }

    private Pipe pipeFrom(Endpoint endpoint) {
        return endpoint == client ? upstreamPipe : downstreamPipe;
    }

    private Pipe pipeInto(Endpoint endpoint) {
        return endpoint == client ? downstreamPipe : upstreamPipe;
    }

    private void finishConnect() {
        try {
            if (upstream.channel.finishConnect()) {
                onConnected();
            }
        } catch (IOException e) {
            upstreamFailed(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private void onConnected() {
        connected = true;
        loop.cancel(connectTimer);
        upstream.want(SelectionKey.OP_CONNECT, false);
        log.debug("route={} conn={} upstream={} upstream connected", route.name(), id, route.config().upstream());
        upstreamPipe.start();
        downstreamPipe.start();
    }

    private void onConnectTimeout() {
        if (!connected && !closed) {
            upstreamFailed("no answer within " + route.settings().connectTimeout().toMillis() + "ms");
        }
    }

    private void upstreamFailed(String reason) {
        log.warn("route={} conn={} upstream={} cannot reach the upstream: {}; closing the client connection",
                route.name(), id, route.config().upstream(), reason);
        close(false);
    }

    /** An I/O error on one side: the other side gets an RST too, as it would if the path between them broke. */
    void fail(Endpoint where, IOException e) {
        log.debug("route={} conn={} {} failed: {}; resetting both sides", route.name(), id, where.role, e.toString());
        close(true);
    }

    void onPipeFinished() {
        if (upstreamPipe.isFinished() && downstreamPipe.isFinished()) {
            close(false);
        }
    }

    @Override
    public void onLoopClosing() {
        if (!closed) {
            log.warn("route={} conn={} client={} still open when the proxy closed; closing it",
                    route.name(), id, client.remoteAddress());
            close(false);
        }
    }

    private void close(boolean reset) {
        if (closed) {
            return;
        }
        closed = true;
        loop.cancel(connectTimer);
        upstreamPipe.discard();
        downstreamPipe.discard();
        if (reset) {
            client.reset();
            upstream.reset();
        } else {
            client.close();
            upstream.close();
        }
        route.connectionClosed();
        if (log.isDebugEnabled()) {
            log.debug("route={} conn={} closed up={} down={} duration={}ms{}", route.name(), id,
                    upstreamPipe.forwarded(), downstreamPipe.forwarded(),
                    TimeUnit.NANOSECONDS.toMillis(loop.nanoTime() - openedNanos), reset ? " reset" : "");
        }
    }

    boolean isClosed() {
        return closed;
    }

    EventLoop loop() {
        return loop;
    }

    RouteCounters counters() {
        return route.counters();
    }

    @Override
    public String toString() {
        return "Connection{route=" + route.name() + ", id=" + id + "}";
    }
}
