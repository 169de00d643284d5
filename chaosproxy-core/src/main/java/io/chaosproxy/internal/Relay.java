package io.chaosproxy.internal;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.Fault;
import io.chaosproxy.spi.Refusal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied connection on its loop: the I/O handler of its two sockets, which starts the connection (its
 * faults, then the upstream) and ends it.
 * <pre>
 *   client  --[upstream pipe:   stage, stage, ...]-->  upstream
 *   client  <--[downstream pipe: stage, stage, ...]--  upstream
 * </pre>
 * Both sockets are registered with the same loop and every field is touched by that loop only, so nothing here
 * needs a lock; other threads go through the {@link ProxiedConnection} handle, which posts to the loop. EOF from
 * one side reaches the other as a half-close once the bytes in front of it are written; the connection ends when
 * both directions have finished, or at once, with an RST on both sides, when either side fails or resets. Which
 * side gets a FIN and which an RST when it ends otherwise is {@link CloseSignals}' rule.
 */
final class Relay implements IoHandler, PipeOwner, FaultHost, UpstreamConnector.Listener {
    private static final Logger log = LoggerFactory.getLogger(ProxiedConnection.class);   // the logger users know

    private final ProxiedConnection handle;
    private final RouteRuntime route;
    private final EventLoop loop;
    private final long openedNanos;
    private final long seed;               // of the faults' random generator, made with the fault chain
    private final Endpoint client;
    private final Endpoint upstream;
    private final Pipe upstreamPipe;
    private final Pipe downstreamPipe;
    private UpstreamConnector connector;   // until the upstream is connected: an idle connection holds little
    private UpstreamTarget target;         // the upstream connected to; null before, and once closed
    private String lastFailure;            // the kind of the last failed connect
    private FaultChain faults;             // made with the first fault: most connections have none
    private boolean started;               // the faults' stages have been started
    private boolean opened;                // ConnectionOpened was fired
    private String failedBeforeOpened;     // a stage failed before that: the close waits for it
    private boolean hanging;               // refused by a fault that leaves the client hanging
    private boolean closed;
    private long injectionsNotJournaled;

    Relay(ProxiedConnection handle, RouteRuntime route, EventLoop loop, long openedNanos, SocketChannel clientChannel,
            long seed) throws IOException {
        this.handle = handle;
        this.route = route;
        this.loop = loop;
        this.openedNanos = openedNanos;
        this.seed = seed;
        this.client = new Endpoint(clientChannel, "client");
        this.upstream = new Endpoint(SocketChannel.open(), "upstream");
        this.upstreamPipe = new Pipe(this, loop, route.counters(), client, upstream, true, route.settings());
        this.downstreamPipe = new Pipe(this, loop, route.counters(), upstream, client, false, route.settings());
        this.connector = new UpstreamConnector(route, loop, upstream, this, this, seed);
    }

    /**
     * Registers the client, builds the route's faults, tells listeners, starts every stage, then contacts the
     * upstream (unless a fault refused the connection or holds the connect).
     */
    void start() {
        try {
            client.configure(route.config().pool().keepAlive());
            client.key = loop.register(client.channel, 0, this);
        } catch (IOException | RuntimeException e) {
            closeBy("client socket failed: " + e, false);
            return;
        }
        try {
            startFaultsThenConnect();
        } catch (Throwable e) {
            log.error("route={} conn={} failed to start; resetting it", route.name(), handle.id(), e);
            closeBy("internal error", true);
        }
    }

    private void startFaultsThenConnect() {
        reconcileRouteFaults();
        route.events().fireIfListened(() -> new ChaosEvent.ConnectionOpened(handle));
        opened = true;
        if (failedBeforeOpened != null) {
            // A fault's stage failed while the connection was being set up: listeners hear it opened, then closed.
            String reason = failedBeforeOpened;
            failedBeforeOpened = null;
            closeBy(reason, true);
            return;
        }
        started = true;
        if (faults != null) {
            faults.start();
        }
        if (!closed && !hanging) {
            connector.start(openedNanos);
        }
    }

    @Override
    public void onReady(SelectionKey key) {
        if (closed) {
            return;
        }
        int ready = key.readyOps();
        Endpoint endpoint = key == client.key ? client : upstream;
        if (hanging) {
            // Accepted, never answered: what the client sends is read and thrown away, until it gives up.
            if (!client.discardInput(loop.scratch())) {
                closeBy("client gave up on a hanging connection", false);
            }
            return;
        }
        if (endpoint == upstream && (ready & SelectionKey.OP_CONNECT) != 0) {
            if (connector != null) {
                connector.onConnectable();
            }
            return;
        }
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            (endpoint == client ? downstreamPipe : upstreamPipe).onWritable();
        }
        if (!closed && (ready & SelectionKey.OP_READ) != 0) {
            (endpoint == client ? upstreamPipe : downstreamPipe).onReadable();
        }
    }

    // ---- the upstream connector's answer ----

    @Override
    public void connecting(UpstreamTarget target, InetSocketAddress address) {
        handle.upstreamChosen(target, address);
    }

    @Override
    public void connected(UpstreamTarget target) {
        connector = null;   // done: an idle connection should hold as little as possible
        if (closed) {
            target.connectionClosed();   // a listener told of the breaker closing closed the connection first
            return;
        }
        this.target = target;
        if (log.isDebugEnabled()) {
            log.debug("route={} conn={} upstream={} upstream connected", route.name(), handle.id(), target);
        }
        if (!target.faults().isEmpty()) {
            reconcileRouteFaults();   // the target's own faults join, behind the route's
        }
        if (closed) {
            return;   // a fault's stage failed as it started
        }
        upstreamPipe.start();
        downstreamPipe.start();
    }

    @Override
    public void attemptFailed(UpstreamTarget target, String kind, String message) {
        route.counters().upstreamFailure(kind);
        lastFailure = kind;
        boolean more = route.pool().size() > 1;
        log.warn("route={} conn={} upstream={} cannot reach the upstream: {}; {}", route.name(), handle.id(), target,
                message, more ? "trying the next one" : "closing the client connection");
        route.events().fireIfListened(() -> new ChaosEvent.UpstreamError(handle, kind, message));
    }

    @Override
    public void failed(List<String> tried) {
        if (tried.isEmpty()) {
            log.warn("route={} conn={} no upstream is usable (unhealthy or circuit breaker open); closing the client"
                    + " connection", route.name(), handle.id());
        } else if (tried.size() > 1) {
            log.warn("route={} conn={} every upstream failed ({}); closing the client connection", route.name(),
                    handle.id(), tried);
        }
        route.counters().noUpstreamReached();
        route.events().fireIfListened(() -> new ChaosEvent.NoUpstream(handle, tried));
        closeBy(lastFailure == null ? "no usable upstream" : "upstream " + lastFailure, false);
    }

    // ---- what the pipes report ----

    /** An I/O error on one side: the other side gets an RST too, as it would if the path between them broke. */
    @Override
    public void ioFailed(Endpoint where, IOException e) {
        log.debug("route={} conn={} {} failed: {}; resetting both sides", route.name(), handle.id(), where.role,
                e.toString());
        closeBy(where.role + " failed: " + e.getMessage(), true);
    }

    @Override
    public void finished(Pipe pipe, String closeReason) {
        if (closeReason != null) {
            // A fault ended the stream on purpose (limit data): that stream had its FIN, and what it held past the
            // end is cut by design; the other stream, if still open, is cut.
            closeBy(closeReason, false, true, pipe);
        } else if (upstreamPipe.isFinished() && downstreamPipe.isFinished()) {
            closeBy("completed", false);
        }
    }

    // ---- the loop ----

    @Override
    public boolean onLoopClosing(boolean failed) {
        if (!closed) {
            if (failed) {
                closeBy("event loop failed", true);
            } else {
                // debug, not warn: a proxy closed under load cuts hundreds; ChaosProxy.close() logs the count
                log.debug("route={} conn={} client={} still open when the proxy closed; cutting it",
                        route.name(), handle.id(), handle.clientAddress());
                cut("proxy closed");
            }
        }
        return false;
    }

    @Override
    public void onFailure() {
        // A bug, not an EOF: an RST tells both sides the stream is broken, so neither takes it as complete.
        closeBy("internal error", true);
    }

    /** Undoes an accept whose loop is gone; the only method called off the loop, when no loop can run it. */
    void abandon() {
        closed = true;
        handle.closed();
        client.reset();   // never a clean end of stream: nothing was served
        upstream.reset();
        route.connectionClosed(handle);
    }

    // ---- faults ----

    /** Brings the route's faults on this connection in line with the route's current list. */
    void reconcileRouteFaults() {
        if (closed) {
            return;
        }
        List<Fault> wanted = route.faultsFor(target);
        if (faults == null && wanted.isEmpty()) {
            return;   // the common case of a route without faults: nothing to build, nothing to publish
        }
        faults().reconcile(wanted);
    }

    /** The faults on this connection, made on first need. */
    FaultChain faults() {
        if (faults == null) {
            faults = new FaultChain(this, handle, loop, upstreamPipe, downstreamPipe, seed, started);
        }
        return faults;
    }

    /** The fault of that name on this connection; null when there is none. */
    FaultEntry faultNamed(String name) {
        return faults == null ? null : faults.named(name);
    }

    @Override
    public boolean isNew() {
        return connector != null && !connector.isStarted() && !closed && !hanging;
    }

    @Override
    public boolean holdConnect(long nanos) {
        if (!isNew()) {
            return false;
        }
        connector.hold(nanos);
        return true;
    }

    @Override
    public boolean refuse(Refusal how, Fault fault, String detail) {
        if (!isNew()) {
            return false;   // only a new connection can be refused
        }
        route.counters().dropped();
        faultInjected(fault, detail, true);   // once per connection at most
        switch (how) {
            case CLOSE -> closeBy("dropped", false);
            case RESET -> closeBy("dropped", true);
            case HANG -> {
                hanging = true;   // see onReady
                client.want(SelectionKey.OP_READ, true);
            }
        }
        return true;
    }

    @Override
    public void stageFailed(Fault fault, Throwable failure) {
        log.error("route={} conn={} fault={} failed; resetting the connection", route.name(), handle.id(),
                fault.name(), failure);
        String reason = "fault " + fault.name() + " failed: " + failure;
        if (!opened) {
            failedBeforeOpened = failedBeforeOpened == null ? reason : failedBeforeOpened;   // closed once opened
        } else {
            closeBy(reason, true);
        }
    }

    @Override
    public void faultInjected(Fault fault, String detail, boolean journaled) {
        route.counters().faultInjected(fault.type());
        log.debug("route={} conn={} fault={} injected {}", route.name(), handle.id(), fault.name(), detail);
        if (!journaled) {
            injectionsNotJournaled++;
        }
        route.events().fireIfListened(() -> new ChaosEvent.FaultInjected(handle, fault, detail), journaled);
    }

    /** The injections of this connection's faults that the journal left out; see {@link FaultEntry}. */
    long injectionsNotJournaled() {
        return injectionsNotJournaled;
    }

    // ---- the end ----

    @Override
    public void closeBy(String reason, boolean reset) {
        closeBy(reason, reset, false, null);
    }

    /**
     * Cuts the connection, as the test, the proxy's shutdown or a blackhole's timeout do, rather than a peer; see
     * {@link CloseSignals#of}.
     */
    @Override
    public void cut(String reason) {
        closeBy(reason, false, true, null);
    }

    private void closeBy(String reason, boolean reset, boolean cut, Pipe endedOnPurpose) {
        if (closed) {
            return;
        }
        closed = true;
        handle.closed();
        if (connector != null) {
            connector.cancel();
        }
        if (target != null) {
            target.connectionClosed();
            target = null;
        }
        CloseSignals signals = CloseSignals.of(reset, cut, upstreamPipe, downstreamPipe, endedOnPurpose);
        upstreamPipe.discardAll();
        downstreamPipe.discardAll();
        if (faults != null) {
            faults.stop();
        }
        // Off the route's list before either side can see the close, so nobody who saw it still finds it live.
        route.connectionClosed(handle);
        if (signals.resetClient()) {
            client.reset();
        } else {
            client.close();
        }
        if (signals.resetUpstream()) {
            upstream.reset();
        } else {
            upstream.close();
        }
        long durationNanos = loop.nanoTime() - openedNanos;
        if (log.isDebugEnabled()) {
            log.debug("route={} conn={} closed up={} down={} duration={}ms reason={}{}{}", route.name(), handle.id(),
                    upstreamPipe.forwarded(), downstreamPipe.forwarded(), durationNanos / 1_000_000, reason,
                    signals.resetClient() ? " (client reset)" : "", signals.resetUpstream() ? " (upstream reset)" : "");
        }
        if (opened) {   // listeners hear of a connection opened, then closed, or not at all
            route.events().fireIfListened(() -> new ChaosEvent.ConnectionClosed(handle, upstreamPipe.forwarded(),
                    downstreamPipe.forwarded(), Duration.ofNanos(durationNanos), reason));
        }
    }

    // ---- for the faults and the handle ----

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public long openedNanos() {
        return openedNanos;
    }

    @Override
    public RouteCounters counters() {
        return route.counters();
    }

    long bytesUpstream() {
        return upstreamPipe.forwarded();
    }

    long bytesDownstream() {
        return downstreamPipe.forwarded();
    }
}
