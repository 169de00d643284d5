package io.chaosproxy.internal;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.Fault;
import io.chaosproxy.UpstreamMetrics;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream of a route: its address, its counts, its health (set by the route's health checker) and its circuit
 * breaker (moved by the connects made to it), and the faults its connections get behind the route's. Any thread:
 * the breaker's state is guarded by this object, and no event is fired while it is held.
 */
public final class UpstreamTarget {
    private static final Logger log = LoggerFactory.getLogger(UpstreamTarget.class);

    enum Breaker { CLOSED, OPEN, HALF_OPEN }

    /** What {@link #admit} decided: skip the target, try it, or try it as the breaker's one trial. */
    enum Admission { SKIPPED, ADMITTED, TRIAL }

    private final String route;
    private final int index;
    private final HostPort address;
    private final InetSocketAddress resolved;   // null for a route that resolves on each connection
    private final PoolSettings settings;
    private final Events events;
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder total = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder healthChanges = new LongAdder();
    private final LongAdder breakerOpenings = new LongAdder();
    private volatile boolean healthy = true;
    private volatile List<Fault> faults;
    private Breaker breaker = Breaker.CLOSED;   // guarded by this
    private int consecutiveFailures;            // guarded by this
    private long openUntilNanos;                // guarded by this

    UpstreamTarget(String route, int index, HostPort address, InetSocketAddress resolved, PoolSettings settings,
            Events events, List<Fault> faults) {
        this.route = route;
        this.index = index;
        this.address = address;
        this.resolved = resolved;
        this.settings = settings;
        this.events = events;
        this.faults = List.copyOf(faults);
    }

    public HostPort address() {
        return address;
    }

    int index() {
        return index;
    }

    /** The address resolved at start; null for a route that resolves on each connection. */
    InetSocketAddress resolved() {
        return resolved;
    }

    // ---- choosing ----

    /**
     * Whether a new connection may try this target now: healthy, and its breaker closed, or open with the cool-down
     * over, in which case this caller's connect is the one trial (and no other is admitted until it ends).
     */
    Admission admit(long nowNanos) {
        if (!healthy) {
            return Admission.SKIPPED;
        }
        if (!settings.hasBreaker()) {
            return Admission.ADMITTED;
        }
        synchronized (this) {
            switch (breaker) {
                case CLOSED -> {
                    return Admission.ADMITTED;
                }
                case HALF_OPEN -> {
                    return Admission.SKIPPED;   // a trial is under way
                }
                default -> {
                    if (nowNanos - openUntilNanos < 0) {
                        return Admission.SKIPPED;
                    }
                    breaker = Breaker.HALF_OPEN;
                }
            }
        }
        breakerChanged("half_open");
        return Admission.TRIAL;
    }

    /** A connect to this target begins: it counts as active until it fails or its connection closes. */
    void attempting() {
        active.incrementAndGet();
    }

    void connected() {
        total.increment();
        boolean closedAgain = false;
        synchronized (this) {
            consecutiveFailures = 0;
            if (breaker == Breaker.HALF_OPEN) {
                breaker = Breaker.CLOSED;
                closedAgain = true;
            }
        }
        if (closedAgain) {
            breakerChanged("closed");
        }
    }

    /**
     * A connect failed: the breaker counts it, and may open. Only the trial's failure reopens a half-open breaker:
     * a connect begun before the breaker opened says nothing about the target now.
     */
    void connectFailed(long nowNanos, boolean trial) {
        active.decrementAndGet();
        failures.increment();
        if (!settings.hasBreaker()) {
            return;
        }
        boolean opened = false;
        synchronized (this) {
            consecutiveFailures++;
            if ((breaker == Breaker.HALF_OPEN && trial)
                    || (breaker == Breaker.CLOSED && consecutiveFailures >= settings.breakerFailures())) {
                breaker = Breaker.OPEN;
                openUntilNanos = nowNanos + settings.breakerCooldown().toNanos();
                opened = true;
            }
        }
        if (opened) {
            breakerOpenings.increment();
            breakerChanged("open");
        }
    }

    /**
     * A connect to this target ended with neither answer (its client left first): a trial it was gives way to the
     * next one, at once, so that the breaker never stays half open. Any other connect leaves the trial under way.
     */
    void attemptAbandoned(long nowNanos, boolean trial) {
        active.decrementAndGet();
        boolean reopened = false;
        synchronized (this) {
            if (breaker == Breaker.HALF_OPEN && trial) {
                breaker = Breaker.OPEN;
                openUntilNanos = nowNanos;
                reopened = true;
            }
        }
        if (reopened) {
            breakerChanged("open");
        }
    }

    /** A connection to this target (connected) closed. */
    void connectionClosed() {
        active.decrementAndGet();
    }

    // ---- health ----

    /** The health checker's verdict; a change is logged, counted and told. Returns whether it changed. */
    boolean health(boolean nowHealthy, String reason) {
        if (healthy == nowHealthy) {
            return false;
        }
        healthy = nowHealthy;
        healthChanges.increment();
        if (nowHealthy) {
            log.info("chaos-proxy route={} upstream={} healthy again: {}", route, address, reason);
        } else {
            log.warn("chaos-proxy route={} upstream={} unhealthy, skipped until a probe succeeds: {}", route, address,
                    reason);
        }
        events.fireIfListened(() -> new ChaosEvent.UpstreamHealthChanged(route, address.text(), nowHealthy, reason));
        return true;
    }

    private void breakerChanged(String state) {
        if ("open".equals(state)) {
            log.warn("chaos-proxy route={} upstream={} circuit breaker open for {}ms", route, address,
                    settings.breakerCooldown().toMillis());
        } else {
            log.info("chaos-proxy route={} upstream={} circuit breaker {}", route, address, state);
        }
        events.fireIfListened(() -> new ChaosEvent.CircuitBreakerChanged(route, address.text(), state));
    }

    // ---- faults: written under the route's fault lock ----

    public List<Fault> faults() {
        return faults;
    }

    void faults(List<Fault> next) {
        faults = List.copyOf(next);
    }

    // ---- reading ----

    public boolean healthy() {
        return healthy;
    }

    public synchronized boolean breakerOpen() {
        return breaker != Breaker.CLOSED;
    }

    public int activeConnections() {
        return active.get();
    }

    public UpstreamMetrics metrics() {
        return new UpstreamMetrics(route, address.text(), healthy, breakerOpen(), active.get(), total.sum(),
                failures.sum(), healthChanges.sum(), breakerOpenings.sum());
    }

    @Override
    public String toString() {
        return address.text();
    }
}
