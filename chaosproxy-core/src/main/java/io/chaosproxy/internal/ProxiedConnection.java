package io.chaosproxy.internal;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.Connection;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.spi.FaultTypes;
import io.chaosproxy.spi.Refusal;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied TCP connection: the client's socket, a socket to the upstream, a pipe each way, and the faults
 * that apply to it.
 * <pre>
 *   client  --[upstream pipe:   stage, stage, ...]-->  upstream
 *   client  <--[downstream pipe: stage, stage, ...]--  upstream
 * </pre>
 * Both sockets are registered with the same loop and every mutable field is touched by that loop only, so
 * nothing here needs a lock; the public methods post to the loop. EOF from one side reaches the other as a
 * half-close once the bytes in front of it are written; the connection ends when both directions have
 * finished, or at once, with an RST on both sides, when either side fails or resets. A connection cut while the
 * proxy holds bytes for one side gives that side an RST, never a FIN: a cut must not look like a complete stream.
 */
final class ProxiedConnection implements IoHandler, Connection, PipeOwner {
    private static final Logger log = LoggerFactory.getLogger(ProxiedConnection.class);

    private final long id;
    private final RouteRuntime route;
    private final EventLoop loop;
    private final Endpoint client;
    private final Endpoint upstream;
    private final Pipe upstreamPipe;
    private final Pipe downstreamPipe;
    private final SplittableRandom random;
    private final InetSocketAddress clientAddress;
    private final long openedNanos;
    private final long openedAtMillis = System.currentTimeMillis();   // a long, not an Instant: idle memory counts
    private final List<FaultEntry> entries = new ArrayList<>(0);
    private volatile List<Fault> activeFaults = List.of();
    private volatile List<String> faultNames = List.of();
    private Timer connectTimer;
    private long connectDelayNanos;
    private boolean started;
    private boolean opened;               // ConnectionOpened was fired
    private String failedBeforeOpened;    // a stage failed before that: the close waits for it
    private boolean connecting;
    private boolean hanging;
    private boolean closed;
    private volatile boolean open = true;
    private volatile InetSocketAddress upstreamTarget;   // the address connected to, once known

    ProxiedConnection(long id, RouteRuntime route, EventLoop loop, SocketChannel clientChannel, long seed)
            throws IOException {
        this.id = id;
        this.route = route;
        this.loop = loop;
        this.openedNanos = loop.nanoTime();
        this.clientAddress = (InetSocketAddress) clientChannel.getRemoteAddress();
        this.client = new Endpoint(clientChannel, "client");
        this.upstream = new Endpoint(SocketChannel.open(), "upstream");
        this.random = new SplittableRandom(seed);
        this.upstreamPipe = new Pipe(this, loop, route.counters(), client, upstream, true, route.settings());
        this.downstreamPipe = new Pipe(this, loop, route.counters(), upstream, client, false, route.settings());
    }

    /**
     * Registers the client, builds the route's faults, tells listeners, starts every stage, then contacts the
     * upstream (unless a fault dropped the connection or delays the connect). Loop thread.
     */
    void start() {
        try {
            configure(client.channel);
            client.key = loop.register(client.channel, 0, this);
        } catch (IOException | RuntimeException e) {
            closeBy("client socket failed: " + e, false);
            return;
        }
        try {
            startFaultsThenConnect();
        } catch (Throwable e) {
            log.error("route={} conn={} failed to start; resetting it", route.name(), id, e);
            closeBy("internal error", true);
        }
    }

    private void startFaultsThenConnect() {
        reconcileRouteFaults();
        route.events().fireIfListened(() -> new ChaosEvent.ConnectionOpened(this));
        opened = true;
        if (failedBeforeOpened != null) {
            // A fault's stage failed while the connection was being set up: listeners hear it opened, then closed.
            String reason = failedBeforeOpened;
            failedBeforeOpened = null;
            closeBy(reason, true);
            return;
        }
        started = true;
        for (FaultEntry entry : new ArrayList<>(entries)) {
            startStages(entry);
        }
        if (closed || hanging || connecting) {
            return;
        }
        if (connectDelayNanos > 0) {
            connecting = true;
            connectTimer = new Timer(this::connectUpstream);
            loop.schedule(connectTimer, openedNanos + connectDelayNanos);
        } else {
            connectUpstream();
        }
    }

    private static void configure(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        // Chunks are forwarded as they come; Nagle would add delay the user did not ask for.
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }

    private void connectUpstream() {
        if (closed) {
            return;
        }
        connecting = true;
        // Armed before any lookup: a lookup counts against the timeout, as a DNS server may never answer.
        connectTimer = new Timer(this::onConnectTimeout);
        loop.schedule(connectTimer, loop.nanoTime() + route.settings().connectTimeout().toNanos());
        InetSocketAddress target = route.upstreamAddress();
        if (target == null) {
            route.resolver().resolve(route.config().upstream(), loop, () -> !open, this::connectTo,
                    unknown -> {
                        if (!closed) {
                            upstreamFailed("unresolved", unknown.getMessage());
                        }
                    });
        } else {
            connectTo(target);
        }
    }

    private void connectTo(InetSocketAddress target) {
        if (closed) {
            return;
        }
        upstreamTarget = target;
        try {
            configure(upstream.channel);
            upstream.key = loop.register(upstream.channel, 0, this);
            if (upstream.channel.connect(target)) {
                onConnected();
            } else {
                upstream.want(SelectionKey.OP_CONNECT, true);
            }
        } catch (IOException | RuntimeException e) {
            upstreamFailed(e);
        }
    }

    @Override
    public void onReady(SelectionKey key) {
        if (closed) {
            return;
        }
        int ready = key.readyOps();
        Endpoint endpoint = key == client.key ? client : upstream;
        if (hanging) {
            drainHangingClient();
            return;
        }
        if (endpoint == upstream && (ready & SelectionKey.OP_CONNECT) != 0) {
            finishConnect();
            return;
        }
        if ((ready & SelectionKey.OP_WRITE) != 0) {
            (endpoint == client ? downstreamPipe : upstreamPipe).onWritable();
        }
        if (!closed && (ready & SelectionKey.OP_READ) != 0) {
            (endpoint == client ? upstreamPipe : downstreamPipe).onReadable();
        }
    }

    private void finishConnect() {
        try {
            if (upstream.channel.finishConnect()) {
                onConnected();
            }
        } catch (IOException e) {
            upstreamFailed(e);
        }
    }

    private void onConnected() {
        cancelConnectTimer();
        connectTimer = null;   // no longer needed: an idle connection should hold as little as possible
        upstream.want(SelectionKey.OP_CONNECT, false);
        if (log.isDebugEnabled()) {
            log.debug("route={} conn={} upstream={} upstream connected", route.name(), id, route.config().upstream());
        }
        upstreamPipe.start();
        downstreamPipe.start();
    }

    private void onConnectTimeout() {
        if (!closed) {
            upstreamFailed("timeout", "no answer within " + route.settings().connectTimeout().toMillis() + "ms");
        }
    }

    private void upstreamFailed(Exception e) {
        String kind = e instanceof ConnectException ? "refused"
                : e instanceof NoRouteToHostException ? "unreachable" : "other";
        upstreamFailed(kind, e.getMessage() == null ? e.toString() : e.getMessage());
    }

    private void upstreamFailed(String kind, String message) {
        route.counters().upstreamFailure(kind);
        log.warn("route={} conn={} upstream={} cannot reach the upstream: {}; closing the client connection",
                route.name(), id, route.config().upstream(), message);
        route.events().fireIfListened(() -> new ChaosEvent.UpstreamError(this, kind, message));
        closeBy("upstream " + kind, false);
    }

    /** An I/O error on one side: the other side gets an RST too, as it would if the path between them broke. */
    @Override
    public void ioFailed(Endpoint where, IOException e) {
        log.debug("route={} conn={} {} failed: {}; resetting both sides", route.name(), id, where.role, e.toString());
        closeBy(where.role + " failed: " + e.getMessage(), true);
    }

    @Override
    public void finished(Pipe pipe, String closeReason) {
        if (closeReason != null) {
            closeAfterDeliberateEnd(pipe, closeReason);
        } else if (upstreamPipe.isFinished() && downstreamPipe.isFinished()) {
            closeBy("completed", false);
        }
    }

    @Override
    public boolean onLoopClosing(boolean failed) {
        if (!closed) {
            if (failed) {
                closeBy("event loop failed", true);
            } else {
                // debug, not warn: a proxy closed under load cuts hundreds; ChaosProxy.close() logs the count
                log.debug("route={} conn={} client={} still open when the proxy closed; cutting it",
                        route.name(), id, clientAddress);
                cut("proxy closed");
            }
        }
        return false;
    }

    /** Undoes an accept whose loop is gone; the only method called off the loop, when no loop can run it. */
    void abandon() {
        closed = true;
        open = false;
        client.reset();   // never a clean end of stream: nothing was served
        upstream.reset();
        route.connectionClosed(this);
    }

    @Override
    public void onFailure() {
        // A bug, not an EOF: an RST tells both sides the stream is broken, so neither takes it as complete.
        closeBy("internal error", true);
    }

    // ---- what connection faults ask for ----

    /** Accepted, the upstream not contacted yet: a connection fault may still refuse it or hold its connect. */
    boolean isNew() {
        return !connecting && !closed && !hanging;
    }

    boolean holdConnect(long nanos) {
        if (!isNew()) {
            return false;
        }
        connectDelayNanos = Math.max(connectDelayNanos, nanos);
        return true;
    }

    boolean refuse(Refusal how, Fault fault, String detail) {
        if (!isNew()) {
            return false;   // only a new connection can be refused
        }
        route.counters().dropped();
        faultInjected(fault, detail);
        switch (how) {
            case CLOSE -> closeBy("dropped", false);
            case RESET -> closeBy("dropped", true);
            case HANG -> {
                // Accepted, never answered: read and discard what the client sends, until it gives up.
                hanging = true;
                client.want(SelectionKey.OP_READ, true);
            }
        }
        return true;
    }

    private void drainHangingClient() {
        ByteBuffer scratch = loop.scratch();
        try {
            int read;
            do {
                scratch.clear();
                read = client.channel.read(scratch);
            } while (read > 0);
            if (read < 0) {
                closeBy("client gave up on a hanging connection", false);
            }
        } catch (IOException e) {
            closeBy("client gave up on a hanging connection", false);
        }
    }

    /** A fault's stage threw: a bug in it, which may have cost a chunk, so both sides get an RST. */
    @Override
    public void stageFailed(Fault fault, Throwable failure) {
        log.error("route={} conn={} fault={} failed; resetting the connection", route.name(), id, fault.name(), failure);
        String reason = "fault " + fault.name() + " failed: " + failure;
        if (!opened) {
            failedBeforeOpened = failedBeforeOpened == null ? reason : failedBeforeOpened;   // closed once opened
        } else {
            closeBy(reason, true);
        }
    }

    void faultInjected(Fault fault, String detail) {
        route.counters().faultInjected(fault.type());
        log.debug("route={} conn={} fault={} injected {}", route.name(), id, fault.name(), detail);
        route.events().fireIfListened(() -> new ChaosEvent.FaultInjected(this, fault, detail));
    }

    /**
     * Closes both sides, with an RST when {@code reset}; the reason goes to the log and the listeners. Without
     * {@code reset}, a side still gets an RST when the proxy holds bytes for it that are now lost.
     */
    void closeBy(String reason, boolean reset) {
        closeBy(reason, reset, false, null);
    }

    /**
     * A fault ended {@code pipe} on purpose (limit data): that stream had its FIN, and what it held past the end is
     * cut by design; the other stream, if still open, is cut (see {@link #cut}).
     */
    private void closeAfterDeliberateEnd(Pipe pipe, String reason) {
        closeBy(reason, false, true, pipe);
    }

    /**
     * Cuts the connection, as the test, the proxy's shutdown or a blackhole's timeout do, rather than a peer: a
     * stream whose sender has not ended it gets an RST, whatever the proxy holds at this instant, since bytes on
     * their way (or about to be written) are lost and a FIN would make a short stream look complete. A stream
     * the sender ended, every byte delivered, has had its FIN.
     */
    void cut(String reason) {
        closeBy(reason, false, true, null);
    }

    private void closeBy(String reason, boolean reset, boolean cut, Pipe endedOnPurpose) {
        if (closed) {
            return;
        }
        closed = true;
        open = false;
        cancelConnectTimer();
        boolean resetClient = reset;
        boolean resetUpstream = reset;
        if (cut) {
            resetUpstream = upstreamPipe != endedOnPurpose && !upstreamPipe.deliveredWholeStream();
            resetClient = downstreamPipe != endedOnPurpose && !downstreamPipe.deliveredWholeStream();
        } else if (!reset) {
            // Bytes a side sent that wait unread are lost too: the kernel would answer them with an RST to their
            // sender, and their receiver must not take the close for a complete stream either.
            boolean clientUnread = upstreamPipe != endedOnPurpose && upstreamPipe.sourceHasUnreadBytes();
            boolean upstreamUnread = downstreamPipe != endedOnPurpose && downstreamPipe.sourceHasUnreadBytes();
            resetUpstream = upstreamUnread
                    || (upstreamPipe != endedOnPurpose && (upstreamPipe.holdsData() || clientUnread));
            resetClient = clientUnread
                    || (downstreamPipe != endedOnPurpose && (downstreamPipe.holdsData() || upstreamUnread));
        }
        upstreamPipe.discardAll();
        downstreamPipe.discardAll();
        for (FaultEntry entry : entries) {
            if (entry.connectionStage != null) {
                entry.connectionStage.stop();
            }
        }
        // Off the route's list before either side can see the close, so nobody who saw it still finds it live.
        route.connectionClosed(this);
        if (resetClient) {
            client.reset();
        } else {
            client.close();
        }
        if (resetUpstream) {
            upstream.reset();
        } else {
            upstream.close();
        }
        long durationNanos = loop.nanoTime() - openedNanos;
        if (log.isDebugEnabled()) {
            log.debug("route={} conn={} closed up={} down={} duration={}ms reason={}{}{}", route.name(), id,
                    upstreamPipe.forwarded(), downstreamPipe.forwarded(), durationNanos / 1_000_000, reason,
                    resetClient ? " (client reset)" : "", resetUpstream ? " (upstream reset)" : "");
        }
        if (opened) {   // listeners hear of a connection opened, then closed, or not at all
            route.events().fireIfListened(() -> new ChaosEvent.ConnectionClosed(this, upstreamPipe.forwarded(),
                    downstreamPipe.forwarded(), Duration.ofNanos(durationNanos), reason));
        }
    }

    private void cancelConnectTimer() {
        if (connectTimer != null) {
            loop.cancel(connectTimer);
        }
    }

    // ---- faults ----

    /** Brings the route's faults on this connection in line with the route's current list. Loop thread. */
    void reconcileRouteFaults() {
        if (closed) {
            return;
        }
        List<Fault> wanted = route.faults();
        if (wanted.isEmpty() && entries.isEmpty()) {
            return;   // the common case of a route without faults: nothing to build, nothing to publish
        }
        for (FaultEntry entry : new ArrayList<>(entries)) {
            if (!entry.own) {
                Fault fault = byName(wanted, entry.fault().name());
                if (fault == null) {
                    removeEntry(entry);
                } else if (!fault.equals(entry.fault())) {
                    replaceEntry(entry, fault);
                }
            }
        }
        for (Fault fault : wanted) {
            if (entryNamed(fault.name()) == null) {
                addEntry(fault, false);
            }
        }
        publishFaults();
    }

    private static Fault byName(List<Fault> faults, String name) {
        for (Fault fault : faults) {
            if (fault.name().equals(name)) {
                return fault;
            }
        }
        return null;
    }

    private FaultEntry entryNamed(String name) {
        for (FaultEntry entry : entries) {
            if (entry.fault().name().equals(name)) {
                return entry;
            }
        }
        return null;
    }

    /** Route faults go behind the route's other faults and ahead of the connection's own; own faults last. */
    private void addEntry(Fault fault, boolean own) {
        // Toxicity is rolled (always, so that one roll never shifts the next) each time a fault starts on a link.
        boolean active = random.nextDouble() < fault.toxicity();
        FaultEntry entry = new FaultEntry(fault, FaultTypes.of(fault), this, own, active);
        int position = own ? entries.size() : lastRouteEntryIndex() + 1;
        if (active && entry.type().actsOnConnection()) {
            addConnectionStage(entry);
        } else if (active) {
            if (fault.direction().covers(Direction.DOWNSTREAM)) {
                StageLink after = own ? downstreamPipe.tail() : lastStageBefore(position, false);
                entry.downstreamStage = downstreamPipe.insertAfter(entry, after, random.split());
            }
            if (fault.direction().covers(Direction.UPSTREAM)) {
                StageLink after = own ? upstreamPipe.tail() : lastStageBefore(position, true);
                entry.upstreamStage = upstreamPipe.insertAfter(entry, after, random.split());
            }
        }
        entries.add(position, entry);
        if (started) {
            startStages(entry);
        }
    }

    private void replaceEntry(FaultEntry old, Fault fault) {
        int position = entries.indexOf(old);
        // Toxicity is decided once per connection: a changed delay keeps the decision, a changed toxicity
        // decides again. The roll is drawn either way, so the decisions after it do not depend on which it was.
        boolean rolled = random.nextDouble() < fault.toxicity();
        boolean active = fault.toxicity() == old.fault().toxicity() ? old.active : rolled;
        FaultEntry entry = new FaultEntry(fault, FaultTypes.of(fault), this, old.own, active);
        if (active && entry.type().actsOnConnection()) {
            addConnectionStage(entry);
        } else if (active) {
            if (fault.direction().covers(Direction.DOWNSTREAM)) {
                StageLink after = old.downstreamStage != null ? old.downstreamStage : lastStageBefore(position, false);
                entry.downstreamStage = downstreamPipe.insertAfter(entry, after, random.split());
            }
            if (fault.direction().covers(Direction.UPSTREAM)) {
                StageLink after = old.upstreamStage != null ? old.upstreamStage : lastStageBefore(position, true);
                entry.upstreamStage = upstreamPipe.insertAfter(entry, after, random.split());
            }
        }
        entries.set(position, entry);
        removeStages(old);   // what the old stage held now passes through the new one
        if (started) {
            startStages(entry);
        }
    }

    /** A connection fault acts once per connection, whatever its direction: no pipe sees it. */
    private void addConnectionStage(FaultEntry entry) {
        entry.connectionStage = new ConnectionFaultLink(entry, loop, random.split());
        entry.connectionStage.create();
    }

    private void removeEntry(FaultEntry entry) {
        entries.remove(entry);
        removeStages(entry);
    }

    private void removeStages(FaultEntry entry) {
        if (entry.connectionStage != null) {
            entry.connectionStage.remove();
        }
        if (entry.upstreamStage != null) {
            upstreamPipe.remove(entry.upstreamStage);
        }
        if (entry.downstreamStage != null) {
            downstreamPipe.remove(entry.downstreamStage);
        }
    }

    private void startStages(FaultEntry entry) {
        if (entry.connectionStage != null && !closed) {
            entry.connectionStage.start();
        }
        if (entry.downstreamStage != null && !closed) {
            entry.downstreamStage.guarded(entry.downstreamStage.stage::onStart);
        }
        if (entry.upstreamStage != null && !closed) {
            entry.upstreamStage.guarded(entry.upstreamStage.stage::onStart);
        }
    }

    private int lastRouteEntryIndex() {
        int last = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (!entries.get(i).own) {
                last = i;
            }
        }
        return last;
    }

    /** The stage, in the given pipe, of the last entry before {@code position} that has one there. */
    private StageLink lastStageBefore(int position, boolean upstreamPipeWanted) {
        for (int i = position - 1; i >= 0; i--) {
            StageLink stage = upstreamPipeWanted ? entries.get(i).upstreamStage : entries.get(i).downstreamStage;
            if (stage != null) {
                return stage;
            }
        }
        return null;
    }

    private void publishFaults() {
        List<Fault> active = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (FaultEntry entry : entries) {
            names.add(entry.fault().name());
            if (entry.active) {
                active.add(entry.fault());
            }
        }
        activeFaults = List.copyOf(active);
        faultNames = List.copyOf(names);
    }

    // ---- Connection, thread-safe ----

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
    public long bytesUpstream() {
        return upstreamPipe.forwarded();
    }

    @Override
    public long bytesDownstream() {
        return downstreamPipe.forwarded();
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
            if (closed) {
                return;   // it may end at any moment: adding to a closed connection is harmless
            }
            if (entryNamed(fault.name()) != null) {
                throw new IllegalArgumentException("connection " + id + " of route '" + route.name()
                        + "': a fault named '" + fault.name() + "' exists already; name it otherwise with named(...)");
            }
            addEntry(fault, true);
            publishFaults();
        });
    }

    @Override
    public void removeFault(String name) {
        java.util.Objects.requireNonNull(name, "name");
        loop.runFromAnywhere(() -> {
            if (closed) {
                return;
            }
            FaultEntry entry = entryNamed(name);
            if (entry == null) {
                throw new NoSuchElementException("connection " + id + " of route '" + route.name()
                        + "' has no fault named '" + name + "'; it has " + faultNames);
            }
            if (!entry.own) {
                throw new IllegalArgumentException("connection " + id + ": '" + name + "' is a fault of route '"
                        + route.name() + "'; remove it with route.removeFault(\"" + name + "\")");
            }
            removeEntry(entry);
            publishFaults();
        });
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        loop.runFromAnywhere(() -> cut("closed by the test"));
    }

    @Override
    public void reset() {
        loop.runFromAnywhere(() -> closeBy("reset by the test", true));
    }

    // ---- for the engine ----

    @Override
    public boolean isClosed() {
        return closed;
    }

    long openedNanos() {
        return openedNanos;
    }

    EventLoop loop() {
        return loop;
    }

    RouteCounters counters() {
        return route.counters();
    }

    @Override
    public String toString() {
        return "Connection{route=" + route.name() + ", id=" + id + ", client=" + clientAddress
                + (open ? "" : ", closed") + "}";
    }
}
