package io.chaosproxy.internal;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.FaultTypes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one route is asked to do, checked and ready to start.
 *
 * @param name             unique within its proxy
 * @param localPorts       where it listens, the first its main port; 0 for an ephemeral port
 * @param upstreams        where connections go, in declaration order; at least one
 * @param faults           the route's faults, in order, names unique
 * @param resolveOnConnect whether upstream hosts are looked up for each connection rather than at start
 * @param pool             balancing, health checks, breaker, limits
 * @param upstreamFaults   faults of single upstreams, by the upstream's text; names distinct from the route's
 */
public record RouteConfig(String name, List<Integer> localPorts, List<HostPort> upstreams, List<Fault> faults,
        boolean resolveOnConnect, PoolSettings pool, Map<String, List<Fault>> upstreamFaults) {

    public RouteConfig {
        localPorts = List.copyOf(localPorts);
        upstreams = List.copyOf(upstreams);
        faults = List.copyOf(faults);
        faults.forEach(FaultTypes::of);
        Map<String, List<Fault>> copy = new LinkedHashMap<>();
        upstreamFaults.forEach((upstream, list) -> copy.put(upstream, List.copyOf(list)));
        upstreamFaults = java.util.Collections.unmodifiableMap(copy);
    }

    /** A route of one port and one upstream, with none of the pool's settings. */
    public RouteConfig(String name, int localPort, HostPort upstream, List<Fault> faults, boolean resolveOnConnect) {
        this(name, List.of(localPort), List.of(upstream), faults, resolveOnConnect, PoolSettings.DEFAULT, Map.of());
    }

    /** The main port: the first one. */
    public int localPort() {
        return localPorts.get(0);
    }

    /** The first upstream: a route's only one, or what a client that knows one upstream is shown. */
    public HostPort upstream() {
        return upstreams.get(0);
    }
}
