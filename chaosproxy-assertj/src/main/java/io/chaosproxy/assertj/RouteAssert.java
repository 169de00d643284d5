package io.chaosproxy.assertj;

import io.chaosproxy.Fault;
import io.chaosproxy.ProxyMetrics;
import io.chaosproxy.Route;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractAssert;

/**
 * Assertions on a {@link Route}: how many connections it accepted, dropped or still holds, which faults it
 * injected, whether its upstreams failed. Each reads the route's counts when it runs, and a failure shows them all.
 */
public final class RouteAssert extends AbstractAssert<RouteAssert, Route> {
    private static final int JOURNAL_LINES = 20;

    RouteAssert(Route route) {
        super(route, RouteAssert.class);
    }

    /** The route accepted exactly {@code n} connections since it started (dropped ones too). */
    public RouteAssert acceptedConnections(long n) {
        isNotNull();
        ProxyMetrics counts = actual.metrics();
        long accepted = counts.acceptedConnections();
        if (accepted != n) {
            fail(counts, "to have accepted %d connections but it accepted %d", n, accepted);
        }
        return this;
    }

    /** The route accepted at least {@code n} connections since it started. */
    public RouteAssert acceptedAtLeast(long n) {
        isNotNull();
        ProxyMetrics counts = actual.metrics();
        long accepted = counts.acceptedConnections();
        if (accepted < n) {
            fail(counts, "to have accepted at least %d connections but it accepted %d", n, accepted);
        }
        return this;
    }

    /** Exactly {@code n} connections are open through the route now. */
    public RouteAssert openConnections(int n) {
        isNotNull();
        ProxyMetrics counts = actual.metrics();
        int open = counts.activeConnections();
        if (open != n) {
            fail(counts, "to have %d open connections but it has %d", n, open);
        }
        return this;
    }

    /** The route dropped exactly {@code n} new connections (a drop fault). */
    public RouteAssert droppedConnections(long n) {
        isNotNull();
        ProxyMetrics counts = actual.metrics();
        long dropped = counts.droppedConnections();
        if (dropped != n) {
            fail(counts, "to have dropped %d connections but it dropped %d", n, dropped);
        }
        return this;
    }

    /** The route injected a fault of {@code type} ({@code "reset_peer"}, {@code "latency"}, ...) at least once. */
    public RouteAssert injected(String type) {
        isNotNull();
        ProxyMetrics counts = actual.metrics();
        if (injectedCount(counts, type) == 0) {
            fail(counts, "to have injected %s but it did not", type);
        }
        return this;
    }

    /** The route injected a fault of {@code type} exactly {@code times} times. */
    public RouteAssert injected(String type, long times) {
        isNotNull();
        ProxyMetrics counts = actual.metrics();
        long count = injectedCount(counts, type);
        if (count != times) {
            fail(counts, "to have injected %s %d times but it did %d times", type, times, count);
        }
        return this;
    }

    /** The route injected no fault of {@code type}. */
    public RouteAssert neverInjected(String type) {
        isNotNull();
        ProxyMetrics counts = actual.metrics();
        long count = injectedCount(counts, type);
        if (count != 0) {
            fail(counts, "never to have injected %s but it did %d times", type, count);
        }
        return this;
    }

    /** No connect to an upstream failed, and no connection found every upstream down. */
    public RouteAssert noUpstreamErrors() {
        isNotNull();
        ProxyMetrics metrics = actual.metrics();
        if (!metrics.upstreamFailures().isEmpty() || metrics.noUpstream() != 0) {
            fail(metrics, "to have no upstream errors but it had %s%s", metrics.upstreamFailures(),
                    metrics.noUpstream() == 0 ? "" : " and " + metrics.noUpstream() + " connections with no upstream");
        }
        return this;
    }

    /** The route's upstream connects failed exactly {@code n} times (refused, timed out, unresolved, ...). */
    public RouteAssert upstreamErrors(long n) {
        isNotNull();
        ProxyMetrics counts = actual.metrics();
        long errors = counts.upstreamFailures().values().stream().mapToLong(Long::longValue).sum();
        if (errors != n) {
            fail(counts, "to have had %d upstream errors but it had %d: %s", n, errors, counts.upstreamFailures());
        }
        return this;
    }

    /** The route holds a fault named {@code name} now. */
    public RouteAssert hasFault(String name) {
        isNotNull();
        if (actual.faults().stream().map(Fault::name).noneMatch(name::equals)) {
            fail(actual.metrics(), "to have a fault named %s but its faults are %s", name, actual.faults());
        }
        return this;
    }

    /** The route holds no fault now. */
    public RouteAssert hasNoFaults() {
        isNotNull();
        if (!actual.faults().isEmpty()) {
            fail(actual.metrics(), "to have no faults but it has %s", actual.faults());
        }
        return this;
    }

    /** The route accepts connections now. */
    public RouteAssert isEnabled() {
        isNotNull();
        if (!actual.isEnabled()) {
            fail(actual.metrics(), "to be enabled but it is disabled");
        }
        return this;
    }

    /** The route refuses connections now. */
    public RouteAssert isDisabled() {
        isNotNull();
        if (actual.isEnabled()) {
            fail(actual.metrics(), "to be disabled but it is enabled");
        }
        return this;
    }

    private static long injectedCount(ProxyMetrics counts, String type) {
        Map<String, Long> injected = counts.faultsInjected();
        return injected.getOrDefault(type, 0L);
    }

    /**
     * Fails with what was expected, then everything the route counted, so one message tells the whole story. The
     * counts are the ones the check read: traffic still flowing must not make the message contradict itself.
     */
    private void fail(ProxyMetrics counts, String expectation, Object... arguments) {
        Object[] all = new Object[arguments.length + 2];
        all[0] = actual.name();
        System.arraycopy(arguments, 0, all, 1, arguments.length);
        all[all.length - 1] = counts;
        failWithMessage("%nExpecting route '%s' " + expectation + ".%nIts counts: %s%n%s", append(all, recentJournal()));
    }

    /** The route's last journal lines, so that the failure tells what the proxy did, not only how often. */
    private String recentJournal() {
        List<String> lines = actual.journal().text().lines().toList();
        if (lines.isEmpty()) {
            return "Its journal is empty (off, or nothing happened).";
        }
        List<String> shown = lines.subList(Math.max(0, lines.size() - JOURNAL_LINES), lines.size());
        String newline = System.lineSeparator();
        String earlier = lines.size() > JOURNAL_LINES
                ? "(" + (lines.size() - JOURNAL_LINES) + " earlier lines not shown)" + newline : "";
        return "Its journal:" + newline + earlier + String.join(newline, shown);   // an argument: '%' stays as is
    }

    private static Object[] append(Object[] all, String last) {
        Object[] more = java.util.Arrays.copyOf(all, all.length + 1);
        more[all.length] = last;
        return more;
    }
}
