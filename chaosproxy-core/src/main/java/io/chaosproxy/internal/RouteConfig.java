package io.chaosproxy.internal;

import java.util.List;

/**
 * What one route is asked to do, checked and ready to start.
 *
 * @param name               unique within its proxy
 * @param localPort          0 for an ephemeral port
 * @param upstream           where connections go
 * @param dropRate           probability that a new connection is closed right after accept
 * @param upstreamStages     faults on client-to-upstream bytes, in order
 * @param downstreamStages   faults on upstream-to-client bytes, in order
 */
public record RouteConfig(String name, int localPort, HostPort upstream, double dropRate,
        List<StageFactory> upstreamStages, List<StageFactory> downstreamStages) {

    public RouteConfig {
        upstreamStages = List.copyOf(upstreamStages);
        downstreamStages = List.copyOf(downstreamStages);
    }
}
