package io.chaosproxy;

import java.time.Duration;

/** Something that happened on a connection, as told to a {@link ChaosListener}. */
public sealed interface ChaosEvent {

    /** The connection it happened on. */
    Connection connection();

    /**
     * A connection was accepted; no byte has flowed and the upstream has not been contacted. A listener may
     * give it faults of its own now ({@link Connection#addFault}) and they apply from the first byte.
     */
    record ConnectionOpened(Connection connection) implements ChaosEvent {
    }

    /**
     * A connection ended.
     *
     * @param reason why: {@code completed}, {@code dropped}, {@code reset by client}, {@code upstream failed},
     *               the fault that cut it, ...
     */
    record ConnectionClosed(Connection connection, long bytesUpstream, long bytesDownstream, Duration duration,
            String reason) implements ChaosEvent {
    }

    /**
     * A fault acted on a connection.
     *
     * @param detail what it did, e.g. {@code delay=212ms}, {@code bytes=1 at=4711}, {@code mode=reset}
     */
    record FaultInjected(Connection connection, Fault fault, String detail) implements ChaosEvent {
    }

    /**
     * The upstream could not be reached.
     *
     * @param kind {@code refused}, {@code timeout}, {@code unreachable}, {@code unresolved} (a route that
     *             resolves its upstream on each connection found no such host) or {@code other}
     */
    record UpstreamError(Connection connection, String kind, String message) implements ChaosEvent {
    }
}
