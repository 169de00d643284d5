package io.chaosproxy;

import io.chaosproxy.internal.RouteRuntime;
import io.chaosproxy.internal.UpstreamTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One upstream of a {@link Route}: its state (health, circuit breaker, counts) and the faults that only connections
 * to it get, behind the route's. Fault changes behave as the route's do: live connections to it follow, and the
 * names of its faults and the route's must differ. Thread-safe, as {@link Route} is.
 */
public final class Upstream {
    private final RouteRuntime route;
    private final UpstreamTarget target;
    private final BooleanSupplier proxyClosed;

    Upstream(RouteRuntime route, UpstreamTarget target, BooleanSupplier proxyClosed) {
        this.route = route;
        this.target = target;
        this.proxyClosed = proxyClosed;
    }

    /** The upstream as given, e.g. {@code "127.0.0.1:7002"}. */
    public String address() {
        return target.address().text();
    }

    /** False while its health check fails; always true for a route without health checks. */
    public boolean healthy() {
        return target.healthy();
    }

    /** Whether its circuit breaker skips it now (open, or half open with a trial connection under way). */
    public boolean breakerOpen() {
        return target.breakerOpen();
    }

    /** Connections open to it now, those still connecting included. */
    public int activeConnections() {
        return target.activeConnections();
    }

    /** Connections made to it so far. */
    public long connectionsTotal() {
        return target.metrics().connectionsTotal();
    }

    /** Connects to it that failed so far. */
    public long connectFailures() {
        return target.metrics().connectFailures();
    }

    /** Its counts and state, now. */
    public UpstreamMetrics metrics() {
        return target.metrics();
    }

    /** Its own faults now, in chain order (behind the route's). */
    public List<Fault> faults() {
        return target.faults();
    }

    /**
     * Adds a fault behind its others; its live connections get it too.
     *
     * @throws DuplicateException when it, or the route, has a fault of that name already
     */
    public Upstream addFault(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        change(current -> {
            List<Fault> next = new ArrayList<>(current);
            next.add(fault);
            return next;
        });
        return this;
    }

    /**
     * Replaces its fault of the same name, in place.
     *
     * @throws NoSuchElementException when it has none of that name
     */
    public Upstream updateFault(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        change(current -> {
            List<Fault> next = new ArrayList<>(current);
            next.set(indexOf(current, fault.name()), fault);
            return next;
        });
        return this;
    }

    /**
     * Removes its fault of that name.
     *
     * @throws NoSuchElementException when it has none of that name
     */
    public Upstream removeFault(String name) {
        Objects.requireNonNull(name, "name");
        change(current -> {
            List<Fault> next = new ArrayList<>(current);
            next.remove(indexOf(current, name));
            return next;
        });
        return this;
    }

    /** Replaces its faults in one step, as {@link Route#setFaults} does for the route's. */
    public Upstream setFaults(List<Fault> faults) {
        Objects.requireNonNull(faults, "faults");
        faults.forEach(fault -> Objects.requireNonNull(fault, "a fault in faults"));
        change(current -> faults);
        return this;
    }

    /** Removes its every fault. */
    public Upstream clearFaults() {
        return setFaults(List.of());
    }

    private void change(java.util.function.UnaryOperator<List<Fault>> change) {
        if (proxyClosed.getAsBoolean()) {
            throw new IllegalStateException("route '" + route.name() + "' upstream '" + address()
                    + "': the proxy is closed; start a new one");
        }
        route.changeUpstreamFaults(target, change);
    }

    private int indexOf(List<Fault> faults, String name) {
        for (int i = 0; i < faults.size(); i++) {
            if (faults.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new NoSuchElementException("route '" + route.name() + "' upstream '" + address()
                + "' has no fault named '" + name + "'; it has " + faults.stream().map(Fault::name).toList());
    }

    @Override
    public String toString() {
        return "Upstream{" + address() + (healthy() ? "" : ", unhealthy") + (breakerOpen() ? ", breaker open" : "")
                + ", active=" + activeConnections() + "}";
    }
}
