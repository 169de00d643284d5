package io.chaosproxy;

import java.time.Duration;
import java.util.Collections;
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
 * @param bytesCorrupted        bytes changed by faults (corrupt, or a fault of your own through StageContext.bytesChanged)
 * @param faultsInjected        how often each fault type acted, by type
 * @param upstreamFailures      failed upstream connects by kind: {@code refused}, {@code timeout}, ...
 * @param uptime                since the proxy started
 */
public record ProxyMetrics(long acceptedConnections, int activeConnections, long droppedConnections,
        long refusedConnections, long bytesUpstream, long bytesDownstream, long bufferedBytes,
        long peakPipeBufferedBytes, long bytesCorrupted, Map<String, Long> faultsInjected,
        Map<String, Long> upstreamFailures, Duration uptime) {

    /** Copies the maps, sorted by key. */
    public ProxyMetrics {
        faultsInjected = Collections.unmodifiableMap(new TreeMap<>(faultsInjected));
        upstreamFailures = Collections.unmodifiableMap(new TreeMap<>(upstreamFailures));
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
                sum(faultsInjected, other.faultsInjected), sum(upstreamFailures, other.upstreamFailures), uptime);
    }

    private static Map<String, Long> sum(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> total = new TreeMap<>(a);
        b.forEach((key, count) -> total.merge(key, count, Long::sum));
        return total;
    }
}
