package io.chaosproxy.junit5.internal;

import io.chaosproxy.Balancing;
import io.chaosproxy.Fault;
import io.chaosproxy.RouteBuilder;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One route to start, from a {@code @ChaosRoute} or the extension's builder.
 *
 * @param where     what declared it, for messages: {@code @ChaosRoute on OrderServiceTest.slowDb()}
 * @param name      the route's name, or null for the proxy's default {@code route-<n>}
 * @param upstreams each evaluated when the proxy starts, in order; empty when not given (only a method override
 *                  may omit them)
 * @param balancing how a route of several upstreams picks one; null for the default
 * @param faults    the annotation's faults, used when a method route overrides a class route; empty for the builder
 * @param configure sets the faults on a new route
 */
public record RouteSpec(String where, String name, int localPort, List<Supplier<String>> upstreams,
                        Balancing balancing, List<Fault> faults, Consumer<RouteBuilder> configure) {

    public RouteSpec {
        upstreams = List.copyOf(upstreams);
    }

    /** What a message says about this route: {@code @ChaosRoute on X: route 'db'}. */
    String label() {
        return where + ": route '" + (name != null ? name : "(unnamed)") + "'";
    }
}
