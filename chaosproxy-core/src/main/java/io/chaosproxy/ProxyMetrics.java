package io.chaosproxy;

/**
 * What a route (or a whole proxy) has done so far: a snapshot, taken when asked.
 *
 * @param acceptedConnections  connections accepted, dropped ones included
 * @param droppedConnections   connections closed right after accept by {@code dropRate}
 * @param activeConnections    connections open now
 * @param bytesUpstream        bytes written to upstreams (client to upstream)
 * @param bytesDownstream      bytes written to clients (upstream to client)
 * @param bufferedBytes        bytes the proxy holds right now: read from one side, not yet written to the other
 * @param peakPipeBufferedBytes the most bytes one direction of one connection has held at once; backpressure
 *                             keeps it at or below the proxy's high-water mark
 */
public record ProxyMetrics(long acceptedConnections, long droppedConnections, int activeConnections,
        long bytesUpstream, long bytesDownstream, long bufferedBytes, long peakPipeBufferedBytes) {

    static final ProxyMetrics ZERO = new ProxyMetrics(0, 0, 0, 0, 0, 0, 0);

    ProxyMetrics plus(ProxyMetrics other) {
        return new ProxyMetrics(acceptedConnections + other.acceptedConnections,
                droppedConnections + other.droppedConnections, activeConnections + other.activeConnections,
                bytesUpstream + other.bytesUpstream, bytesDownstream + other.bytesDownstream,
                bufferedBytes + other.bufferedBytes, Math.max(peakPipeBufferedBytes, other.peakPipeBufferedBytes));
    }
}
