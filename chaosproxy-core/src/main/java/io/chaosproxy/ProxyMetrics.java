package io.chaosproxy;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a route (or a whole proxy) has done so far: a snapshot, taken when asked.
 *
 * @param acceptedConnections   connections accepted, dropped ones included
 * @param activeConnections     connections open now
 * @param droppedConnections    connections dropped by a drop fault ({@code dropRate})
 * @param refusedConnections    connections whose upstream refused to connect
 * @param bytesUpstream         bytes written to upstreams (client to upstream)
 * @param bytesDownstream       bytes written to clients (upstream to client)
 * @param bufferedBytes         the memory the proxy holds right now for bytes read from one side and not yet
 *                              written to the other: the capacity of the buffers holding them, at least the bytes
 *                              themselves (a 16-byte message held under latency pins a 64-byte buffer)
 * @param peakPipeBufferedBytes the most memory one direction of one connection has held at once; backpressure
 *                              keeps it at or below the proxy's high-water mark plus 256 KiB with one fault in
 *                              that direction, and 128 KiB more for each further fault
 * @param bytesCorrupted        bytes changed or inserted by faults (corrupt in either mode, or a fault of your own
 *                              through StageContext.bytesChanged)
 * @param faultsInjected        how often each fault type acted, by type
 * @param upstreamFailures      failed upstream connects by kind: {@code refused}, {@code timeout}, ...
 * @param uptime                since the proxy started
 * @param connectionsRefusedByLimit clients closed at once because a route's {@code maxConnections} or
 *                              {@code connectionRate} was reached (counted in accepted connections too)
 * @param noUpstream            clients closed because no upstream could be reached: each one tried failed, or
 *                              none was usable (unhealthy, or its circuit breaker open)
 * @param upstreams             each upstream's counts and state, route by route, in declaration order
 */
public record ProxyMetrics(long acceptedConnections, int activeConnections, long droppedConnections,
        long refusedConnections, long bytesUpstream, long bytesDownstream, long bufferedBytes,
        long peakPipeBufferedBytes, long bytesCorrupted, Map<String, Long> faultsInjected,
        Map<String, Long> upstreamFailures, Duration uptime, long connectionsRefusedByLimit, long noUpstream,
        List<UpstreamMetrics> upstreams) {

    /** Copies the maps, sorted by key, and the list. */
    public ProxyMetrics {
        faultsInjected = Collections.unmodifiableMap(new TreeMap<>(faultsInjected));
        upstreamFailures = Collections.unmodifiableMap(new TreeMap<>(upstreamFailures));
        upstreams = List.copyOf(upstreams);
    }

    /** Metrics of a proxy before pools: no limits, no per-upstream counts. */
    public ProxyMetrics(long acceptedConnections, int activeConnections, long droppedConnections,
            long refusedConnections, long bytesUpstream, long bytesDownstream, long bufferedBytes,
            long peakPipeBufferedBytes, long bytesCorrupted, Map<String, Long> faultsInjected,
            Map<String, Long> upstreamFailures, Duration uptime) {
        this(acceptedConnections, activeConnections, droppedConnections, refusedConnections, bytesUpstream,
                bytesDownstream, bufferedBytes, peakPipeBufferedBytes, bytesCorrupted, faultsInjected,
                upstreamFailures, uptime, 0, 0, List.of());
    }

    static ProxyMetrics zero(Duration uptime) {
        return new ProxyMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), Map.of(), uptime);
    }

    ProxyMetrics plus(ProxyMetrics other) {
        return new ProxyMetrics(acceptedConnections + other.acceptedConnections,
                activeConnections + other.activeConnections, droppedConnections + other.droppedConnections,
                refusedConnections + other.refusedConnections, bytesUpstream + other.bytesUpstream,
                bytesDownstream + other.bytesDownstream, bufferedBytes + other.bufferedBytes,
                Math.max(peakPipeBufferedBytes, other.peakPipeBufferedBytes), bytesCorrupted + other.bytesCorrupted,
                sum(faultsInjected, other.faultsInjected), sum(upstreamFailures, other.upstreamFailures), uptime,
                connectionsRefusedByLimit + other.connectionsRefusedByLimit, noUpstream + other.noUpstream,
                concat(upstreams, other.upstreams));
    }

    private static List<UpstreamMetrics> concat(List<UpstreamMetrics> a, List<UpstreamMetrics> b) {
        List<UpstreamMetrics> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> total = new TreeMap<>(a);
        b.forEach((key, count) -> total.merge(key, count, Long::sum));
        return total;
    }
}
