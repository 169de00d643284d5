package io.chaosproxy.junit5.internal;

import java.time.Duration;
import java.util.List;

/**
 * What a programmatic {@code ChaosProxyExtension} was built with; configuration only, never running state.
 *
 * @param seed null unless the builder fixed it
 */
public record Settings(List<RouteSpec> routes, Long seed, Duration shutdownTimeout) {
    /** How long closing waits for live connections when nothing else is said: short, tests are waiting. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofMillis(500);

    /** The settings of an extension registered by {@code @ChaosRoute} or {@code @ExtendWith}: no routes of its own. */
    public static final Settings DECLARATIVE = new Settings(List.of(), null, DEFAULT_SHUTDOWN_TIMEOUT);

    public Settings {
        routes = List.copyOf(routes);
    }
}
