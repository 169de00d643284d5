package io.chaosproxy.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.nio.channels.SelectionKey;

/**
 * Connects one connection's upstream socket: after the hold a connection fault may ask for, it looks the upstream
 * up (for a route that resolves on each connection), connects, and gives up after the route's connect timeout.
 * It is asked once to {@link #start} and answers once, through its {@link Listener}: connected, or failed with a
 * kind and a message. This is where a choice among several upstreams, and failing over between them, belongs.
 * Loop thread only, but for the lookup, which runs on the resolver's threads.
 */
final class UpstreamConnector {

    /** How the connection hears the outcome; each method is called on the loop. */
    interface Listener {

        /** About to connect to {@code target}: from now on it is the connection's upstream address. */
        void connecting(InetSocketAddress target);

        void connected();

        /** The upstream cannot be reached: {@code kind} is refused, unreachable, timeout, unresolved or other. */
        void failed(String kind, String message);
    }

    private final RouteRuntime route;
    private final EventLoop loop;
    private final Endpoint upstream;
    private final IoHandler handler;   // the connection's: it hands OP_CONNECT back to onConnectable()
    private final Listener listener;
    private Timer timer;               // the hold, then the connect timeout
    private long holdNanos;
    private boolean started;
    private volatile boolean cancelled;   // a pending lookup reads it on the resolver's thread

    UpstreamConnector(RouteRuntime route, EventLoop loop, Endpoint upstream, IoHandler handler, Listener listener) {
        this.route = route;
        this.loop = loop;
        this.upstream = upstream;
        this.handler = handler;
        this.listener = listener;
    }

    /** Whether {@link #start} was called: the connect is held or under way. */
    boolean isStarted() {
        return started;
    }

    /** Connects only {@code nanos} after the accept; the longest hold asked for wins. Before {@link #start} only. */
    void hold(long nanos) {
        holdNanos = Math.max(holdNanos, nanos);
    }

    /** Connects now, or once the hold since {@code openedNanos} is over. */
    void start(long openedNanos) {
        if (started) {
            return;
        }
        started = true;
        if (holdNanos > 0) {
            timer = new Timer(this::connect);
            loop.schedule(timer, openedNanos + holdNanos);
        } else {
            connect();
        }
    }

    /** The connection closed: nothing more is tried and nothing more is heard. */
    void cancel() {
        cancelled = true;
        if (timer != null) {
            loop.cancel(timer);
        }
    }

    private void connect() {
        if (cancelled) {
            return;
        }
        // Armed before any lookup: a lookup counts against the timeout, as a DNS server may never answer.
        timer = new Timer(this::onTimeout);
        loop.schedule(timer, loop.nanoTime() + route.settings().connectTimeout().toNanos());
        InetSocketAddress target = route.upstreamAddress();
        if (target == null) {
            route.resolver().resolve(route.config().upstream(), loop, () -> cancelled, this::connectTo,
                    unknown -> {
                        if (!cancelled) {
                            listener.failed("unresolved", unknown.getMessage());
                        }
                    });
        } else {
            connectTo(target);
        }
    }

    private void connectTo(InetSocketAddress target) {
        if (cancelled) {
            return;
        }
        listener.connecting(target);
        try {
            upstream.configure();
            upstream.key = loop.register(upstream.channel, 0, handler);
            if (upstream.channel.connect(target)) {
                connected();
            } else {
                upstream.want(SelectionKey.OP_CONNECT, true);
            }
        } catch (IOException | RuntimeException e) {
            failed(e);
        }
    }

    /** The upstream socket is ready to finish connecting (OP_CONNECT). */
    void onConnectable() {
        try {
            if (upstream.channel.finishConnect()) {
                connected();
            }
        } catch (IOException e) {
            failed(e);
        }
    }

    private void connected() {
        loop.cancel(timer);
        timer = null;
        upstream.want(SelectionKey.OP_CONNECT, false);
        listener.connected();
    }

    private void onTimeout() {
        if (!cancelled) {
            listener.failed("timeout", "no answer within " + route.settings().connectTimeout().toMillis() + "ms");
        }
    }

    private void failed(Exception e) {
        String kind = e instanceof ConnectException ? "refused"
                : e instanceof NoRouteToHostException ? "unreachable" : "other";
        listener.failed(kind, e.getMessage() == null ? e.toString() : e.getMessage());
    }
}
