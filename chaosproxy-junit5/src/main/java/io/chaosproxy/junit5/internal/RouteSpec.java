package io.chaosproxy.junit5.internal;

import io.chaosproxy.Fault;
import io.chaosproxy.RouteBuilder;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One route to start, from a {@code @ChaosRoute} or the extension's builder.
 *
 * @param where     what declared it, for messages: {@code @ChaosRoute on OrderServiceIT.slowDb()}
 * @param name      the route's name, or null for the proxy's default {@code route-<n>}
 * @param upstream  evaluated when the proxy starts; null when not given (only a method override may omit it)
 * @param faults    the annotation's faults, used when a method route overrides a class route; empty for the builder
 * @param configure sets the faults on a new route
 */
public record RouteSpec(String where, String name, int localPort, Supplier<String> upstream, List<Fault> faults,
                        Consumer<RouteBuilder> configure) {

    /** What a message says about this route: {@code @ChaosRoute on X: route 'db'}. */
    String label() {
        return where + ": route '" + (name != null ? name : "(unnamed)") + "'";
    }
}
