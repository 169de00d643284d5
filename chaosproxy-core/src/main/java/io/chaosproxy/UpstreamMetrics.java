package io.chaosproxy;

/**
 * What one upstream of a route has seen so far: a snapshot, taken when asked.
 *
 * @param route             the route's name
 * @param address           the upstream as given, e.g. {@code "127.0.0.1:7002"}
 * @param healthy           false while its health check fails (always true without a health check)
 * @param breakerOpen       whether its circuit breaker skips it now
 * @param activeConnections connections open to it now, those still connecting included
 * @param connectionsTotal  connections made to it so far
 * @param connectFailures   connects to it that failed (refused, timed out, unresolved, ...)
 * @param healthChanges     how often its health changed (either way)
 * @param breakerOpenings   how often its circuit breaker opened
 */
public record UpstreamMetrics(String route, String address, boolean healthy, boolean breakerOpen,
        int activeConnections, long connectionsTotal, long connectFailures, long healthChanges,
        long breakerOpenings) {
}
