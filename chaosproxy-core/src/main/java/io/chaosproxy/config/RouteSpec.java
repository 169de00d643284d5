package io.chaosproxy.config;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.RouteBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * One route as a config file gives it, every value checked, so that adding it to a builder cannot fail.
 *
 * @param name           the route's name; null for the default one
 * @param ports          where it listens, the main port first
 * @param upstreams      where it forwards to, in the file's order
 * @param enabled        whether it accepts connections once started
 * @param faults         the route's faults, in order
 * @param upstreamFaults faults of single upstreams, by the upstream as the route gives it
 * @param settings       balancing, health check, limits...: each a call of the {@link RouteBuilder} method of its name
 */
record RouteSpec(String name, List<ListenPort> ports, List<String> upstreams, boolean enabled, List<Fault> faults,
        Map<String, List<Fault>> upstreamFaults, Consumer<RouteBuilder> settings) {

    /** One port a route listens on, and where the file gives it, for a problem found with other routes. */
    record ListenPort(int number, String path, Node node) {
    }

    /** Adds the route to {@code builder}, each port passed through {@code portMapper}. */
    void addTo(ChaosProxy.Builder builder, IntUnaryOperator portMapper) {
        int[] numbers = ports.stream().mapToInt(port -> portMapper.applyAsInt(port.number())).toArray();
        RouteBuilder route = builder.route(numbers[0], upstreams.get(0),
                upstreams.subList(1, upstreams.size()).toArray(String[]::new));
        if (name != null) {
            route.name(name);
        }
        route.alsoListen(java.util.Arrays.copyOfRange(numbers, 1, numbers.length));
        route.enabled(enabled);
        settings.accept(route);
        faults.forEach(route::fault);
        upstreamFaults.forEach((upstream, list) -> list.forEach(fault -> route.upstreamFault(upstream, fault)));
    }
}
