package io.chaosproxy.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code preconnect} idle connections open to each upstream of one route, so that a new client is paired with
 * one at once instead of waiting for a connect (the original tool's "connection pooling"). A thread of its own,
 * never an event loop's, opens them (non-blocking, within the route's connect timeout), watches them while idle and
 * opens a replacement for each one taken or lost. One the upstream closed (EOF or RST) is discarded, never handed
 * out; what an idle upstream sent (a greeting) goes with the connection to its client, first. Only a healthy target
 * with a closed breaker is connected to or hands one out. A target that refuses, or closes its idle connections
 * young, is tried again after a pause that doubles up to {@link #MAX_PAUSE_NANOS}, so that it is not hammered; a
 * client taking a connection ends the pause. Stops with the route, closing every socket it holds.
 */
final class Preconnector {
    private static final Logger log = LoggerFactory.getLogger(Preconnector.class);
    private static final long NEVER = Long.MAX_VALUE;
    /** How soon a target short of connections, but unhealthy or with its breaker open, is looked at again. */
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long FIRST_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long MAX_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** An idle connection the upstream closed after this long is replaced at once, a younger one after a pause. */
    private static final long LIVED_LONG_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String route;
    private final List<UpstreamTarget> targets;
    private final int perTarget;
    private final long connectTimeoutNanos;
    private final Selector selector;
    private final Thread thread;
    private final Slots[] slots;                                         // by target index
    private final List<IdleUpstream> connecting = new ArrayList<>();     // keeper thread only
    private final ByteBuffer scratch = ByteBuffer.allocate(IdleUpstream.EARLY_LIMIT);   // keeper thread only
    private volatile boolean stopping;
    private boolean closed;   // guarded by this: nothing is handed out any more

    /** One target's connections. */
    private static final class Slots {
        final ArrayDeque<IdleUpstream> idle = new ArrayDeque<>();   // guarded by the preconnector; newest last
        int setbacks;            // guarded by the preconnector: failures and young losses since a client took one
        int connecting;          // keeper thread only
        long notBeforeNanos;     // keeper thread only: paused until then
    }

    private Preconnector(RouteRuntime route, Selector selector) {
        this.route = route.name();
        this.targets = route.upstreams();
        this.perTarget = route.config().pool().preconnect();
        this.connectTimeoutNanos = route.connectTimeout().toNanos();
        this.selector = selector;
        this.slots = new Slots[targets.size()];
        long now = System.nanoTime();
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slots();
            slots[i].notBeforeNanos = now;
        }
        this.thread = new Thread(this::run, "chaos-proxy-preconnect-" + route.name());
        thread.setDaemon(true);
    }

    /** Starts keeping connections for {@code route}; null (and a warning) when no selector can be had. */
    static Preconnector start(RouteRuntime route) {
        Selector selector;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            log.warn("chaos-proxy route={} cannot pre-open upstream connections: {}; clients connect as they come",
                    route.name(), e.toString());
            return null;
        }
        Preconnector preconnector = new Preconnector(route, selector);
        preconnector.thread.start();
        return preconnector;
    }

    /**
     * An idle connection to {@code target} that is still open, taken over by the caller (who registers it with its
     * own loop and closes it); null when there is none. A connection the upstream closed a moment ago, before the
     * keeper saw it, is found here by a read into {@code scratch} and discarded; bytes that read finds stay with the
     * connection ({@link IdleUpstream#early()}). Any thread; in practice the connecting loop.
     */
    IdleUpstream take(UpstreamTarget target, ByteBuffer scratch) {
        Slots slot = slots[target.index()];
        boolean tookAny = false;
        try {
            while (true) {
                IdleUpstream taken;
                synchronized (this) {
                    taken = closed ? null : slot.idle.pollLast();   // the newest: the furthest from an idle timeout
                    if (taken == null) {
                        return null;
                    }
                    taken.key.cancel();   // under the lock: the keeper reads an idle one only while its key is valid
                    slot.setbacks = 0;
                }
                tookAny = true;
                if (taken.readEarly(scratch)) {
                    return taken;
                }
                taken.close();
            }
        } finally {
            if (tookAny) {
                selector.wakeup();   // to replace it, and to deregister it, which its close needs to free the socket
            }
        }
    }

    /** Closes every connection it holds and ends its thread; waits for that, unless called by the thread itself. */
    void stop() {
        stopping = true;
        selector.wakeup();
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            // Seconds only while a host is being looked up, for a route that resolves on each connection.
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!stopping) {
                long now = System.nanoTime();
                long next = Math.min(expireConnects(now), replenish(now));
                if (stopping) {
                    break;
                }
                if (next == NEVER) {
                    selector.select(this::onReady);
                } else if (next - now <= 0) {
                    selector.selectNow(this::onReady);
                } else {
                    selector.select(this::onReady, Math.max(1, TimeUnit.NANOSECONDS.toMillis(next - now + 999_999)));
                }
            }
        } catch (IOException | RuntimeException e) {
            log.error("chaos-proxy route={} stops pre-opening upstream connections; clients connect as they come",
                    route, e);
        } finally {
            closeEverything();
        }
    }

    /** Opens what each target lacks; returns when something is due next (a pause ends, a target is looked at). */
    private long replenish(long now) {
        long next = NEVER;
        for (UpstreamTarget target : targets) {
            Slots slot = slots[target.index()];
            int idle;
            synchronized (this) {
                idle = slot.idle.size();
            }
            int missing = perTarget - idle - slot.connecting;
            if (missing <= 0) {
                continue;
            }
            if (!target.healthy() || target.breakerOpen()) {
                next = Math.min(next, now + RECHECK_NANOS);
                continue;
            }
            for (int i = 0; i < missing && now - slot.notBeforeNanos >= 0; i++) {
                open(target, slot, now);
            }
            if (now - slot.notBeforeNanos < 0) {
                next = Math.min(next, slot.notBeforeNanos);
            }
        }
        return next;
    }

    private void open(UpstreamTarget target, Slots slot, long now) {
        SocketChannel channel = null;
        try {
            InetSocketAddress address = target.resolved() != null ? target.resolved() : target.address().resolve();
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            IdleUpstream connection = new IdleUpstream(target, channel, address, now + connectTimeoutNanos);
            if (channel.connect(address)) {
                connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
                becameIdle(connection, slot, now);
            } else {
                connection.key = channel.register(selector, SelectionKey.OP_CONNECT, connection);
                connecting.add(connection);
                slot.connecting++;
            }
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                EventLoop.closeQuietly(channel);
            }
            setback(target, slot, now, "cannot connect: " + (e.getMessage() == null ? e : e.getMessage()));
        }
    }

    /** Gives up on connects past the route's connect timeout; returns the earliest deadline left. */
    private long expireConnects(long now) {
        long next = NEVER;
        for (int i = connecting.size() - 1; i >= 0; i--) {
            IdleUpstream connection = connecting.get(i);
            if (now - connection.deadlineNanos >= 0) {
                connecting.remove(i);
                Slots slot = slots[connection.target.index()];
                slot.connecting--;
                connection.close();
                setback(connection.target, slot, now,
                        "no answer within " + TimeUnit.NANOSECONDS.toMillis(connectTimeoutNanos) + "ms");
            } else {
                next = Math.min(next, connection.deadlineNanos);
            }
        }
        return next;
    }

    private void onReady(SelectionKey key) {
        IdleUpstream connection = (IdleUpstream) key.attachment();
        Slots slot = slots[connection.target.index()];
        if (!connection.connected) {
            finishConnect(connection, slot);
            return;
        }
        synchronized (this) {
            if (!key.isValid()) {
                return;   // taken meanwhile: its connection owns the socket now
            }
            if (connection.readEarly(scratch)) {
                if (connection.earlyFull()) {
                    key.interestOps(0);   // what else it sends waits in the socket for the client, in order
                }
                return;
            }
            slot.idle.remove(connection);
        }
        connection.close();
        long now = System.nanoTime();
        long livedNanos = now - connection.connectedNanos;
        if (livedNanos >= LIVED_LONG_NANOS) {
            synchronized (this) {
                slot.setbacks = 0;
            }
            slot.notBeforeNanos = now;
            log.debug("chaos-proxy route={} upstream={} closed an idle connection after {}ms; replacing it", route,
                    connection.target, TimeUnit.NANOSECONDS.toMillis(livedNanos));
        } else {
            setback(connection.target, slot, now,
                    "closed an idle connection after " + TimeUnit.NANOSECONDS.toMillis(livedNanos) + "ms");
        }
    }

    private void finishConnect(IdleUpstream connection, Slots slot) {
        try {
            if (!connection.channel.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            connecting.remove(connection);
            slot.connecting--;
            connection.close();
            setback(connection.target, slot, System.nanoTime(), "cannot connect: " + e.getMessage());
            return;
        }
        connecting.remove(connection);
        slot.connecting--;
        connection.key.interestOps(SelectionKey.OP_READ);
        becameIdle(connection, slot, System.nanoTime());
    }

    private void becameIdle(IdleUpstream connection, Slots slot, long now) {
        connection.connected = true;
        connection.connectedNanos = now;
        synchronized (this) {
            slot.idle.addLast(connection);
        }
    }

    /** A failed connect, or an idle connection lost young: the target is left alone for a while, longer each time. */
    private void setback(UpstreamTarget target, Slots slot, long now, String what) {
        int setbacks;
        synchronized (this) {
            setbacks = ++slot.setbacks;
        }
        long pause = Math.min(MAX_PAUSE_NANOS, FIRST_PAUSE_NANOS << Math.min(setbacks - 1, 20));
        slot.notBeforeNanos = now + pause;
        log.debug("chaos-proxy route={} upstream={} preconnect: {}; next try in {}ms", route, target, what,
                TimeUnit.NANOSECONDS.toMillis(pause));
    }

    private void closeEverything() {
        synchronized (this) {
            closed = true;
            for (Slots slot : slots) {
                slot.idle.forEach(IdleUpstream::close);
                slot.idle.clear();
            }
        }
        connecting.forEach(IdleUpstream::close);
        connecting.clear();
        EventLoop.closeQuietly(selector);   // deregisters every key: only now are the sockets' descriptors freed
    }

    @Override
    public String toString() {
        return "Preconnector{route=" + route + ", perTarget=" + perTarget + (stopping ? ", stopped" : "") + "}";
    }
}
