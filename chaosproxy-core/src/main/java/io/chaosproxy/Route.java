package io.chaosproxy;

import io.chaosproxy.internal.RouteCounters;
import io.chaosproxy.internal.RouteRuntime;
import java.net.InetSocketAddress;

/** One running route of a {@link ChaosProxy}: a local port whose connections are forwarded to an upstream. */
public final class Route {
    private final RouteRuntime runtime;

    Route(RouteRuntime runtime) {
        this.runtime = runtime;
    }

    /** The route's name: as given, or {@code route-<n>} for the n-th route (from 0) when none was given. */
    public String name() {
        return runtime.name();
    }

    /** The port the route listens on; the real one when port 0 was asked for. */
    public int localPort() {
        return runtime.localAddress().getPort();
    }

    /** The address the route listens on, with the real port. */
    public InetSocketAddress localAddress() {
        return runtime.localAddress();
    }

    /** The upstream as it was given, e.g. {@code "127.0.0.1:5432"}. */
    public String upstream() {
        return runtime.config().upstream().text();
    }

    /** The route's connection and byte counts, now. */
    public ProxyMetrics metrics() {
        RouteCounters c = runtime.counters();
        return new ProxyMetrics(c.acceptedConnections(), c.droppedConnections(), c.activeConnections(),
                c.bytesUpstream(), c.bytesDownstream(), c.bufferedBytes(), c.peakPipeBufferedBytes());
    }

    @Override
    public String toString() {
        return "Route{" + name() + " " + localAddress() + " -> " + upstream() + "}";
    }
}
