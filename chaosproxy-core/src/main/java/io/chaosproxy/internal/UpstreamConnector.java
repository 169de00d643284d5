package io.chaosproxy.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Connects one connection's upstream socket: after the hold a connection fault may ask for, it picks a target of the
 * route's pool, looks it up (for a route that resolves on each connection), connects, and gives up on it after the
 * route's connect timeout; a target that fails makes way for the next one, in balancing order, until each was tried
 * once. A target that is unhealthy or whose breaker is open is passed over. With an idle connection the route opened
 * to the chosen target ahead of time ({@link Preconnector}), it takes that one and skips the connect. It is asked once to {@link #start} and
 * answers through its {@link Listener}: each failed try, then connected or failed for good. Loop thread only, but
 * for the lookup, which runs on the resolver's threads.
 */
final class UpstreamConnector {

    /** How the connection hears the outcome; each method is called on the loop. */
    interface Listener {

        /** About to connect to {@code address} of {@code target}: from now on it is the connection's upstream. */
        void connecting(UpstreamTarget target, InetSocketAddress address);

        void connected(UpstreamTarget target);

        /** One try failed: {@code kind} is refused, unreachable, timeout, unresolved or other. The next follows. */
        void attemptFailed(UpstreamTarget target, String kind, String message);

        /** No target could be reached: each of {@code tried} failed, or (when empty) none was usable. */
        void failed(List<String> tried);
    }

    private final RouteRuntime route;
    private final EventLoop loop;
    private final Endpoint upstream;
    private final IoHandler handler;   // the connection's: it hands OP_CONNECT back to onConnectable()
    private final Listener listener;
    private final long seed;           // the connection's: a random balancing's pick follows it
    private Timer timer;               // the hold, then each try's connect timeout
    private long holdNanos;
    private boolean started;
    private volatile boolean cancelled;   // a pending lookup reads it on the resolver's thread
    private int first = -1;            // the pool index tried first
    private int considered;            // how many targets were considered so far
    private boolean[] passed;          // by pool index: which ones
    private int attempt;               // numbers tries, so that a late lookup of an earlier one is ignored
    private boolean socketUsed;        // the upstream socket was given to a connect: the next try needs a new one
    private UpstreamTarget target;     // the try under way
    private boolean trial;             // the try under way is its target's circuit-breaker trial
    private List<String> tried;        // made at the first failure

    UpstreamConnector(RouteRuntime route, EventLoop loop, Endpoint upstream, IoHandler handler, Listener listener,
            long seed) {
        this.route = route;
        this.loop = loop;
        this.upstream = upstream;
        this.handler = handler;
        this.listener = listener;
        this.seed = seed;
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
            timer = new Timer(this::tryNext);
            loop.schedule(timer, openedNanos + holdNanos);
        } else {
            tryNext();
        }
    }

    /** The connection closed: nothing more is tried and nothing more is heard. */
    void cancel() {
        cancelled = true;
        if (timer != null) {
            loop.cancel(timer);
        }
        if (target != null) {
            target.attemptAbandoned(loop.nanoTime(), trial);
            target = null;
        }
    }

    /** Tries the next usable target, or tells the connection that none is left. */
    private void tryNext() {
        if (cancelled) {
            return;
        }
        UpstreamPool pool = route.pool();
        int n = pool.size();
        if (first < 0) {
            first = pool.firstChoice(seed);
            passed = n > 1 ? new boolean[n] : null;   // a route of one upstream allocates nothing for it
        }
        while (considered < n) {
            int index = considered == 0 ? first : pool.nextChoice(first, passed);
            if (passed != null) {
                passed[index] = true;
            }
            considered++;
            UpstreamTarget next = pool.get(index);
            UpstreamTarget.Admission admission = next.admit(loop.nanoTime());
            if (admission != UpstreamTarget.Admission.SKIPPED) {
                if (cancelled) {
                    // A listener told of the breaker's trial closed the connection: the trial is given back.
                    next.attempting();
                    next.attemptAbandoned(loop.nanoTime(), admission == UpstreamTarget.Admission.TRIAL);
                    return;
                }
                trial = admission == UpstreamTarget.Admission.TRIAL;
                if (trial || !takeIdle(next)) {   // a trial is a real connect, never an idle connection
                    attempt(next);
                }
                return;
            }
        }
        listener.failed(tried == null ? List.of() : tried);
    }

    /**
     * Pairs the connection with an idle connection the route opened to {@code next} ahead of time, if there is one:
     * connected at once, with no connect. Never while the breaker is half open: its one trial must be a real connect.
     */
    private boolean takeIdle(UpstreamTarget next) {
        Preconnector preconnector = route.preconnector();
        if (preconnector == null || next.breakerOpen()) {
            return false;
        }
        IdleUpstream idle = preconnector.take(next, loop.scratch());
        if (idle == null) {
            return false;
        }
        try {
            upstream.adopt(idle.channel, idle.early());
            upstream.configure(route.config().pool().keepAlive());
            upstream.key = loop.register(upstream.channel, 0, handler);
        } catch (IOException | RuntimeException e) {
            socketUsed = true;   // broken after all: the connect that follows opens a fresh socket
            return false;
        }
        socketUsed = true;
        target = next;
        next.attempting();
        listener.connecting(next, idle.address);
        connected();
        return true;
    }

    private void attempt(UpstreamTarget next) {
        target = next;
        next.attempting();
        int thisAttempt = ++attempt;
        // Armed before any lookup: a lookup counts against the timeout, as a DNS server may never answer.
        timer = new Timer(() -> onTimeout(thisAttempt));
        loop.schedule(timer, loop.nanoTime() + route.connectTimeout().toNanos());
        InetSocketAddress address = next.resolved();
        if (address == null) {
            route.resolver().resolve(next.address(), loop, () -> cancelled || attempt != thisAttempt,
                    resolved -> {
                        if (attempt == thisAttempt) {
                            connectTo(resolved);
                        }
                    },
                    unknown -> {
                        if (!cancelled && attempt == thisAttempt) {
                            failed("unresolved", unknown.getMessage());
                        }
                    });
        } else {
            connectTo(address);
        }
    }

    private void connectTo(InetSocketAddress address) {
        if (cancelled) {
            return;
        }
        listener.connecting(target, address);
        try {
            if (socketUsed) {
                upstream.reopen();   // a socket whose connect failed cannot connect again
            }
            socketUsed = true;
            upstream.configure(route.config().pool().keepAlive());
            upstream.key = loop.register(upstream.channel, 0, handler);
            if (upstream.channel.connect(address)) {
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
        if (timer != null) {
            loop.cancel(timer);   // the connect timeout; none for an idle connection taken over
            timer = null;
        }
        upstream.want(SelectionKey.OP_CONNECT, false);
        UpstreamTarget done = target;
        target = null;   // from now on the connection owns its place in the target's count
        done.connected();
        listener.connected(done);
    }

    private void onTimeout(int timedOut) {
        if (!cancelled && attempt == timedOut && target != null) {
            failed("timeout", "no answer within " + route.connectTimeout().toMillis() + "ms");
        }
    }

    private void failed(Exception e) {
        String kind = e instanceof ConnectException ? "refused"
                : e instanceof NoRouteToHostException ? "unreachable" : "other";
        failed(kind, e.getMessage() == null ? e.toString() : e.getMessage());
    }

    /** The try under way failed: the target counts it, the connection hears it, and the next target is tried. */
    private void failed(String kind, String message) {
        loop.cancel(timer);
        timer = null;
        UpstreamTarget failedTarget = target;
        target = null;
        upstream.want(SelectionKey.OP_CONNECT, false);
        failedTarget.connectFailed(loop.nanoTime(), trial);
        if (tried == null) {
            tried = new ArrayList<>(2);
        }
        tried.add(failedTarget.address().text());
        listener.attemptFailed(failedTarget, kind, message);
        tryNext();
    }
}
