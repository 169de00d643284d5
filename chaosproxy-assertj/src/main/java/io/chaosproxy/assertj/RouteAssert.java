package io.chaosproxy.assertj;

import io.chaosproxy.Fault;
import io.chaosproxy.ProxyMetrics;
import io.chaosproxy.Route;
import java.util.Map;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link Route}: how many connections it accepted, dropped or still holds, which faults it
 * injected, whether its upstreams failed. Each reads the route's counts when it runs, and a failure shows them all.
 */
public final class RouteAssert extends AbstractAssert<RouteAssert, Route> {

    RouteAssert(Route route) {
        super(route, RouteAssert.class);
    }

    /** The route accepted exactly {@code n} connections since it started (dropped ones too). */
    public RouteAssert acceptedConnections(long n) {
        isNotNull();
        long accepted = metrics().acceptedConnections();
        if (accepted != n) {
            fail("to have accepted %d connections but it accepted %d", n, accepted);
        }
        return this;
    }

    /** The route accepted at least {@code n} connections since it started. */
    public RouteAssert acceptedAtLeast(long n) {
        isNotNull();
        long accepted = metrics().acceptedConnections();
        if (accepted < n) {
            fail("to have accepted at least %d connections but it accepted %d", n, accepted);
        }
        return this;
    }

    /** Exactly {@code n} connections are open through the route now. */
    public RouteAssert openConnections(int n) {
        isNotNull();
        int open = metrics().activeConnections();
        if (open != n) {
            fail("to have %d open connections but it has %d", n, open);
        }
        return this;
    }

    /** The route dropped exactly {@code n} new connections (a drop fault). */
    public RouteAssert droppedConnections(long n) {
        isNotNull();
        long dropped = metrics().droppedConnections();
        if (dropped != n) {
            fail("to have dropped %d connections but it dropped %d", n, dropped);
        }
        return this;
    }

    /** The route injected a fault of {@code type} ({@code "reset_peer"}, {@code "latency"}, ...) at least once. */
    public RouteAssert injected(String type) {
        isNotNull();
        if (injectedCount(type) == 0) {
            fail("to have injected %s but it did not", type);
        }
        return this;
    }

    /** The route injected a fault of {@code type} exactly {@code times} times. */
    public RouteAssert injected(String type, long times) {
        isNotNull();
        long count = injectedCount(type);
        if (count != times) {
            fail("to have injected %s %d times but it did %d times", type, times, count);
        }
        return this;
    }

    /** The route injected no fault of {@code type}. */
    public RouteAssert neverInjected(String type) {
        isNotNull();
        long count = injectedCount(type);
        if (count != 0) {
            fail("never to have injected %s but it did %d times", type, count);
        }
        return this;
    }

    /** No connect to an upstream failed, and no connection found every upstream down. */
    public RouteAssert noUpstreamErrors() {
        isNotNull();
        ProxyMetrics metrics = metrics();
        if (!metrics.upstreamFailures().isEmpty() || metrics.noUpstream() != 0) {
            fail("to have no upstream errors but it had %s%s", metrics.upstreamFailures(),
                    metrics.noUpstream() == 0 ? "" : " and " + metrics.noUpstream() + " connections with no upstream");
        }
        return this;
    }

    /** The route's upstream connects failed exactly {@code n} times (refused, timed out, unresolved, ...). */
    public RouteAssert upstreamErrors(long n) {
        isNotNull();
        long errors = metrics().upstreamFailures().values().stream().mapToLong(Long::longValue).sum();
        if (errors != n) {
            fail("to have had %d upstream errors but it had %d: %s", n, errors, metrics().upstreamFailures());
        }
        return this;
    }

    /** The route holds a fault named {@code name} now. */
    public RouteAssert hasFault(String name) {
        isNotNull();
        if (actual.faults().stream().map(Fault::name).noneMatch(name::equals)) {
            fail("to have a fault named %s but its faults are %s", name, actual.faults());
        }
        return this;
    }

    /** The route holds no fault now. */
    public RouteAssert hasNoFaults() {
        isNotNull();
        if (!actual.faults().isEmpty()) {
            fail("to have no faults but it has %s", actual.faults());
        }
        return this;
    }

    /** The route accepts connections now. */
    public RouteAssert isEnabled() {
        isNotNull();
        if (!actual.isEnabled()) {
            fail("to be enabled but it is disabled");
        }
        return this;
    }

    /** The route refuses connections now. */
    public RouteAssert isDisabled() {
        isNotNull();
        if (actual.isEnabled()) {
            fail("to be disabled but it is enabled");
        }
        return this;
    }

    private long injectedCount(String type) {
        Map<String, Long> injected = metrics().faultsInjected();
        return injected.getOrDefault(type, 0L);
    }

    private ProxyMetrics metrics() {
        return actual.metrics();
    }

    /** Fails with what was expected, then everything the route counted, so one message tells the whole story. */
    private void fail(String expectation, Object... arguments) {
        Object[] all = new Object[arguments.length + 2];
        all[0] = actual.name();
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        all[all.length - 1] = metrics();
        failWithMessage("%nExpecting route '%s' " + expectation + ".%nIts counts: %s", all);
    }
}
