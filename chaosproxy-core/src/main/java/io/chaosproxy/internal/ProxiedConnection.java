package io.chaosproxy.internal;

import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Fault;
import io.chaosproxy.JournalEntry;
import io.chaosproxy.spi.FaultTypes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The public {@link ChaosConnection} of one proxied connection, safe from any thread: it reads what the loop published
 * in its volatile fields, and posts every change to the loop, where its {@link Relay} does the work.
 */
final class ProxiedConnection implements ChaosConnection {
    private final long id;
    private final RouteRuntime route;
    private final EventLoop loop;
    private final InetSocketAddress clientAddress;
    private final long openedAtMillis = System.currentTimeMillis();   // a long, not an Instant: idle memory counts
    private final Relay relay;
    private volatile List<Fault> activeFaults = List.of();
    private volatile List<String> faultNames = List.of();
    private volatile List<Fault> ownFaults = List.of();
    private volatile boolean open = true;
    private volatile InetSocketAddress upstreamTarget;   // the address connected to, once known
    private volatile String upstreamName;                // the upstream as given, once chosen

    ProxiedConnection(long id, RouteRuntime route, EventLoop loop, SocketChannel clientChannel, long seed)
            throws IOException {
        this.id = id;
        this.route = route;
        this.loop = loop;
        long openedNanos = loop.nanoTime();
        this.clientAddress = (InetSocketAddress) clientChannel.getRemoteAddress();
        this.relay = new Relay(this, route, loop, openedNanos, clientChannel, seed);
    }

    // ---- for the route: on the loop (but abandon) ----

    void start() {
        relay.start();
    }

    /** Undoes an accept whose loop is gone; the only call made off the loop, when no loop can run it. */
    void abandon() {
        relay.abandon();
    }

    void reconcileRouteFaults() {
        relay.reconcileRouteFaults();
    }

    void closeBy(String reason, boolean reset) {
        relay.closeBy(reason, reset);
    }

    void cut(String reason) {
        relay.cut(reason);
    }

    EventLoop loop() {
        return loop;
    }

    /** Whether the route has one upstream, so that the upstream is known before one is chosen. */
    boolean hasOneUpstream() {
        return route.pool().size() == 1;
    }

    /** On the loop: see {@link Relay#injectionsNotJournaled()}. */
    long injectionsNotJournaled() {
        return relay.injectionsNotJournaled();
    }

    /** Notes a change made to this connection alone in the journal. On the loop. */
    private void journal(JournalEntry.Kind kind, String subject, String detail) {
        route.journal().add(route.name(), id, kind, subject, detail);
    }

    // ---- published by the loop ----

    void faultsChanged(List<Fault> active, List<String> names, List<Fault> own) {
        activeFaults = active;
        faultNames = names;
        ownFaults = own;
    }

    void upstreamChosen(UpstreamTarget target, InetSocketAddress address) {
        upstreamTarget = address;
        upstreamName = target.address().text();
    }

    void closed() {
        open = false;
    }

    // ---- ChaosConnection ----

    @Override
    public long id() {
        return id;
    }

    @Override
    public String route() {
        return route.name();
    }

    @Override
    public InetSocketAddress clientAddress() {
        return clientAddress;
    }

    @Override
    public InetSocketAddress upstreamAddress() {
        InetSocketAddress resolved = upstreamTarget != null ? upstreamTarget : route.upstreamAddress();
        if (resolved != null) {
            return resolved;
        }
        HostPort named = route.config().upstream();   // a route resolving on connect, before its lookup
        return InetSocketAddress.createUnresolved(named.host(), named.port());
    }

    @Override
    public String upstream() {
        String chosen = upstreamName;
        return chosen != null ? chosen : route.config().upstream().text();
    }

    @Override
    public long bytesUpstream() {
        return relay.bytesUpstream();
    }

    @Override
    public long bytesDownstream() {
        return relay.bytesDownstream();
    }

    @Override
    public Instant openedAt() {
        return Instant.ofEpochMilli(openedAtMillis);
    }

    @Override
    public List<Fault> faults() {
        return activeFaults;
    }

    @Override
    public void addFault(Fault fault) {
        FaultTypes.of(fault);   // fails now, in the caller, for a fault nobody registered
        loop.runFromAnywhere(() -> {
            if (relay.isClosed()) {
                return;   // it may end at any moment: adding to a closed connection is harmless
            }
            if (relay.faultNamed(fault.name()) != null) {
                throw new IllegalArgumentException("connection " + id + " of route '" + route.name()
                        + "': a fault named '" + fault.name() + "' exists already; name it otherwise with named(...)");
            }
            relay.faults().addOwn(fault);
            journal(JournalEntry.Kind.FAULT_ADDED, fault.name(), fault.toString());
        });
    }

    @Override
    public void updateFault(Fault fault) {
        FaultTypes.of(Objects.requireNonNull(fault, "fault"));   // fails now, in the caller, for a fault nobody registered
        loop.runFromAnywhere(() -> {
            if (!relay.isClosed()) {
                relay.faults().updateOwn(ownEntry(fault.name(), "change it with route.updateFault(...)"), fault);
                journal(JournalEntry.Kind.FAULT_UPDATED, fault.name(), fault.toString());
            }
        });
    }

    @Override
    public void removeFault(String name) {
        Objects.requireNonNull(name, "name");
        loop.runFromAnywhere(() -> {
            if (!relay.isClosed()) {
                relay.faults().removeOwn(ownEntry(name, "remove it with route.removeFault(\"" + name + "\")"));
                journal(JournalEntry.Kind.FAULT_REMOVED, name, "");
                relay.reconcileRouteFaults();   // a route fault its own shadowed (the same name) applies from now on
            }
        });
    }

    /** The entry of an own fault; on the loop. {@code change} is the route's call to suggest for a route fault. */
    private FaultEntry ownEntry(String name, String change) {
        FaultEntry entry = relay.faultNamed(name);
        if (entry == null) {
            throw new NoSuchElementException("connection " + id + " of route '" + route.name()
                    + "' has no fault named '" + name + "'; it has " + faultNames);
        }
        if (!entry.own) {
            throw new IllegalArgumentException("connection " + id + ": '" + name + "' is a fault of route '"
                    + route.name() + "'; " + change);
        }
        return entry;
    }

    @Override
    public List<Fault> ownFaults() {
        return ownFaults;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        loop.runFromAnywhere(() -> relay.cut("closed by the test"));
    }

    @Override
    public void reset() {
        loop.runFromAnywhere(() -> relay.closeBy("reset by the test", true));
    }

    @Override
    public String toString() {
        return "Connection{route=" + route.name() + ", id=" + id + ", client=" + clientAddress
                + (open ? "" : ", closed") + "}";
    }
}
