package io.chaosproxy;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * One live connection through a route, from {@link Route#connections()} or a {@link ChaosEvent}. Its faults
 * are the route's (those whose toxicity picked this connection) plus any added to it alone. Thread-safe:
 * changes run on the connection's event loop within one turn, at once when called from a listener.
 */
public interface ChaosConnection {

    /** The connection's number, counting from 1 per proxy in accept order. */
    long id();

    /** The name of the route it came through. */
    String route();

    /** The client's address. */
    InetSocketAddress clientAddress();

    /**
     * The upstream address this connection goes to; for a route that resolves its upstream on each connection,
     * unresolved (host and port only) until the lookup is done.
     */
    InetSocketAddress upstreamAddress();

    /**
     * The upstream this connection goes to, as the route names it (e.g. {@code "127.0.0.1:7002"}): for a route of
     * several upstreams, the one it was paired with, or the route's first until one is.
     */
    default String upstream() {
        InetSocketAddress address = upstreamAddress();
        return address.getHostString() + ":" + address.getPort();
    }

    /** Bytes written to the upstream so far. */
    long bytesUpstream();

    /** Bytes written to the client so far. */
    long bytesDownstream();

    /** When the proxy accepted it. */
    Instant openedAt();

    /** The faults applying to it now, in chain order: the route's that its toxicity roll picked, then its own. */
    List<Fault> faults();

    /**
     * Adds a fault to this connection alone, after the route's. Its toxicity is rolled for this connection.
     *
     * @throws IllegalArgumentException when the connection already has a fault of that name
     */
    void addFault(Fault fault);

    /**
     * Replaces the fault added with {@link #addFault} that has the same name, in place: what the old one held
     * passes through the new one, and its toxicity decision stays unless the toxicity changed (as
     * {@link Route#updateFault} does for a route's fault).
     *
     * @throws java.util.NoSuchElementException when the connection has no fault of that name
     * @throws IllegalArgumentException when the fault of that name is the route's (change it on the route)
     */
    void updateFault(Fault fault);

    /**
     * Removes a fault added with {@link #addFault}; what it held moves on, in order. A fault its route was given
     * under the same name while this one was there (which it shadowed on this connection) applies from then on.
     */
    void removeFault(String name);

    /**
     * The faults added to it alone with {@link #addFault}, in the order added, also those its toxicity roll left
     * out (which {@link #faults()} does not list).
     */
    List<Fault> ownFaults();

    /** Whether it is still open. */
    boolean isOpen();

    /**
     * Cuts the connection: each stream its sender had not ended gets an RST, one already ended and delivered whole
     * keeps its FIN (see the README's Semantics). Done when it returns.
     */
    void close();

    /** Aborts both sides with an RST. */
    void reset();
}
