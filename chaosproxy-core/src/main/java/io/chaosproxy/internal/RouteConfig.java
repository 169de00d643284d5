package io.chaosproxy.internal;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.FaultTypes;
import java.util.List;

/**
 * What one route is asked to do, checked and ready to start.
 *
 * @param name       unique within its proxy
 * @param localPort  0 for an ephemeral port
 * @param upstream   where connections go
 * @param faults     the route's faults, in order, names unique
 * @param resolveOnConnect whether the upstream's host is looked up for each connection rather than at start
 */
public record RouteConfig(String name, int localPort, HostPort upstream, List<Fault> faults,
                          boolean resolveOnConnect) {

    public RouteConfig {
        faults = List.copyOf(faults);
        faults.forEach(FaultTypes::of);
    }
}
