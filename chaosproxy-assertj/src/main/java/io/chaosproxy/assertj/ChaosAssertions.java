package io.chaosproxy.assertj;

import io.chaosproxy.Route;

/**
 * The AssertJ entry point for chaos-proxy: {@code assertThat(route).acceptedConnections(3).injected("reset_peer")}.
 * Import it statically beside AssertJ's own {@code Assertions.assertThat}; the overloads do not clash.
 */
public final class ChaosAssertions {
    private ChaosAssertions() {
    }

    /** Assertions on what {@code route} did, read from its counts at each call. */
    public static RouteAssert assertThat(Route route) {
        return new RouteAssert(route);
    }
}
