package io.chaosproxy;

/**
 * How a route with several upstreams picks the one a new connection goes to. Whatever the choice, a target that is
 * unhealthy or whose circuit breaker is open is skipped, and a target that refuses fails over to the next one.
 */
public enum Balancing {
    /** Each target in turn, in declaration order. The default. */
    ROUND_ROBIN,
    /** A target drawn at random for each connection, from the proxy's seed: the same seed replays the same picks. */
    RANDOM,
    /** The target with the fewest open connections; ties go round robin. */
    LEAST_CONNECTIONS
}
