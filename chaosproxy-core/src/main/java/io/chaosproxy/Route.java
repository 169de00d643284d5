package io.chaosproxy;

import io.chaosproxy.internal.RouteCounters;
import io.chaosproxy.internal.RouteRuntime;
import io.chaosproxy.internal.Waits;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * One running route of a {@link ChaosProxy}: a local port whose connections are forwarded to an upstream
 * through the route's faults.
 *
 * <p>Every method may be called from any thread, and from a {@link ChaosListener} on any event loop, concurrently.
 * A change is done when the call returns: live connections follow it, and the port is bound or free. From a
 * listener, connections served by the listener's own loop follow at once, those on the proxy's other loops within
 * one loop turn, as one loop never waits for another.
 *
 * <p>Once the proxy is closed, the methods that change the route throw {@link IllegalStateException}; those that
 * read it go on answering.
 */
public final class Route {
    private final RouteRuntime runtime;
    private final BooleanSupplier proxyClosed;
    private final LongSupplier startedNanos;
    private final List<Upstream> upstreams;
    private final Journal journal;
    private final Scenarios scenarios;

    Route(RouteRuntime runtime, BooleanSupplier proxyClosed, LongSupplier startedNanos, Journal journal,
            Scenarios scenarios) {
        this.runtime = runtime;
        this.journal = journal;
        this.scenarios = scenarios;
        this.proxyClosed = proxyClosed;
        this.startedNanos = startedNanos;
        this.upstreams = runtime.upstreams().stream().map(t -> new Upstream(runtime, t, proxyClosed)).toList();
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

    /** Every port the route listens on, the main one ({@link #localPort()}) first; the real ones for port 0. */
    public List<Integer> localPorts() {
        return runtime.localAddresses().stream().map(InetSocketAddress::getPort).toList();
    }

    /** The upstream as it was given, e.g. {@code "127.0.0.1:5432"}; the first one for a route of several. */
    public String upstream() {
        return runtime.config().upstream().text();
    }

    /** The route's upstreams, in declaration order; one for a route made with {@code route(port, upstream)}. */
    public List<Upstream> upstreams() {
        return upstreams;
    }

    /**
     * The upstream given as {@code address} (as written in the route, e.g. {@code "127.0.0.1:7002"}); the first of
     * them when the route names the same one twice.
     *
     * @throws java.util.NoSuchElementException when the route has none such; the message lists those it has
     */
    public Upstream upstream(String address) {
        Objects.requireNonNull(address, "address");
        for (Upstream upstream : upstreams) {
            if (upstream.address().strip().equals(address.strip())) {
                return upstream;
            }
        }
        throw new java.util.NoSuchElementException("route '" + name() + "' has no upstream \"" + address
                + "\"; it has " + upstreams.stream().map(Upstream::address).toList());
    }

    /** The route's faults now, in chain order. */
    public List<Fault> faults() {
        return runtime.faults();
    }

    /**
     * Adds a fault behind the others; live connections get it too (their toxicity rolled for it).
     *
     * @throws DuplicateException when the route has a fault of that name already
     */
    public Route addFault(Fault fault) {
        runtime.addFault(checkOpen(Objects.requireNonNull(fault, "fault")));
        return this;
    }

    /**
     * Replaces the fault with the same name, in place; on live connections what the old one held passes
     * through the new one.
     *
     * @throws java.util.NoSuchElementException when there is none of that name
     */
    public Route updateFault(Fault fault) {
        runtime.updateFault(checkOpen(Objects.requireNonNull(fault, "fault")));
        return this;
    }

    /**
     * Removes the named fault; what it held on live connections moves on, in order.
     *
     * @throws java.util.NoSuchElementException when there is none of that name
     */
    public Route removeFault(String name) {
        checkOpen(name);
        runtime.removeFault(Objects.requireNonNull(name, "name"));
        return this;
    }

    /** Removes every fault. */
    public Route clearFaults() {
        checkOpen(this);
        runtime.setFaults(List.of());
        return this;
    }

    /**
     * Replaces the route's faults with {@code faults}, in one step: live connections never see a moment with
     * neither list, and a fault present in both (same name, equal value) goes on undisturbed, keeping what it
     * holds and its toxicity decision.
     *
     * @throws DuplicateException when two faults share a name
     */
    public Route setFaults(List<Fault> faults) {
        Objects.requireNonNull(faults, "faults");
        faults.forEach(fault -> Objects.requireNonNull(fault, "a fault in faults"));
        runtime.setFaults(checkOpen(faults));
        return this;
    }

    /**
     * Puts a {@link NetworkProfile}'s faults behind the route's own, replacing those of a profile applied before,
     * in one step (see {@link #setFaults}): {@code route.applyProfile(NetworkProfile.SATELLITE)}. A fault another
     * thread adds meanwhile is kept.
     */
    public Route applyProfile(NetworkProfile profile) {
        List<Fault> added = Objects.requireNonNull(profile, "profile").faults();
        checkOpen(this);
        runtime.changeFaults(current -> {
            List<Fault> faults = new ArrayList<>(withoutProfiles(current));
            faults.addAll(added);
            return faults;
        });
        return this;
    }

    /** Removes the faults of any {@link NetworkProfile} (named {@code <profile>:...}); the route's own stay. */
    public Route removeProfile() {
        checkOpen(this);
        runtime.changeFaults(Route::withoutProfiles);
        return this;
    }

    /** Read and replaced in one step: a fault another thread adds meanwhile stays. */
    private static List<Fault> withoutProfiles(List<Fault> faults) {
        return faults.stream().filter(fault -> !NetworkProfile.isProfileFault(fault)).toList();
    }

    /**
     * Back to the faults the route and its upstreams started with (in one step, see {@link #setFaults}), and
     * enabled: what a test changed at run time is undone. Live connections stay; nothing is sent to them.
     */
    public Route restoreFaults() {
        checkOpen(this);
        runtime.restoreFaults();
        runtime.enable();
        return this;
    }

    /**
     * The same as {@link #restoreFaults()}.
     *
     * @deprecated "reset" reads as a TCP reset, which {@link ChaosConnection#reset()} sends; use {@link #restoreFaults()}
     */
    @Deprecated
    public Route reset() {
        return restoreFaults();
    }

    /** Takes the route down: its port refuses connections and live connections are cut. */
    public Route disable() {
        checkOpen(this);
        runtime.disable();
        return this;
    }

    /**
     * Brings the route back on the same port.
     *
     * @throws IllegalStateException when something else took the port meanwhile
     */
    public Route enable() {
        checkOpen(this);
        runtime.enable();
        return this;
    }

    /** Whether the route accepts connections. */
    public boolean isEnabled() {
        return runtime.isEnabled() && !proxyClosed.getAsBoolean();
    }

    /** The route's live connections, oldest first. */
    public List<ChaosConnection> connections() {
        return runtime.connections();
    }

    /**
     * Cuts every live connection: each stream its sender had not ended gets an RST (bytes on their way are lost,
     * and a FIN would pass the cut off as a complete stream); a stream already ended and delivered whole keeps its
     * FIN. The route goes on accepting.
     */
    public Route closeConnections() {
        runtime.closeConnections(false);
        return this;
    }

    /**
     * Starts playing {@code scenario} on this route: each step at its offset from now, on the proxy's scenario
     * thread, until its last cycle is done or the run is cancelled (removing the route or closing the proxy cancels
     * it too). Several runs may play on one route at once. A step that fails is reported and the run goes on: see
     * {@link ScenarioRun}.
     *
     * <pre>{@code
     * ScenarioRun run = db.play(Scenario.builder()
     *         .at(Duration.ZERO, Step.disable()).at(Duration.ofSeconds(2), Step.enable()).build());
     * run.await(Duration.ofSeconds(5));
     * }</pre>
     *
     * @throws IllegalStateException when the route was removed or the proxy closed
     */
    public ScenarioRun play(Scenario scenario) {
        Objects.requireNonNull(scenario, "scenario");
        checkOpen(this);
        if (runtime.stoppedForGood()) {
            throw new IllegalStateException("route '" + name() + "' was removed; play on a route the proxy has");
        }
        return scenarios.play(this, scenario);
    }

    /** The scenario runs playing on this route now, oldest first. */
    public List<ScenarioRun> scenarioRuns() {
        return scenarios.runs(name());
    }

    /** The route's counts, now. */
    public ProxyMetrics metrics() {
        RouteCounters c = runtime.counters();
        return new ProxyMetrics(c.acceptedConnections(), c.activeConnections(), c.droppedConnections(),
                c.upstreamFailures().getOrDefault("refused", 0L), c.bytesUpstream(), c.bytesDownstream(),
                c.bufferedBytes(), c.peakPipeBufferedBytes(), c.bytesCorrupted(), c.faultsInjected(),
                c.upstreamFailures(), Duration.ofNanos(System.nanoTime() - startedNanos.getAsLong()),
                c.connectionsRefusedByLimit(), c.noUpstream(),
                upstreams.stream().map(Upstream::metrics).toList());
    }

    /**
     * Waits until the route has accepted at least {@code n} connections since it started (as
     * {@link ProxyMetrics#acceptedConnections()} counts them, dropped ones too), so that a test never sleeps to let a
     * client connect. Call it from the test's thread, not a listener.
     *
     * @throws AwaitTimeoutException when fewer were accepted within {@code timeout}, saying how many
     * @throws IllegalStateException as soon as it can no longer happen (the route was removed or the proxy closed,
     *     and its last connection ended), when interrupted (the flag stays set), or on an event loop
     */
    public Route awaitConnections(long n, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Waits.until(() -> runtime.counters().acceptedConnections() >= n, timeout, waited -> new AwaitTimeoutException(
                "route '" + name() + "': " + runtime.counters().acceptedConnections() + " of " + n
                        + " connections accepted within " + shown(waited)), this::gone,
                () -> ended(runtime.counters().acceptedConnections() + " of " + n + " connections accepted"));
        return this;
    }

    /**
     * Waits until the route has no live connection: every client and upstream it served has closed, or been cut.
     * Call it from the test's thread, not a listener.
     *
     * @throws AwaitTimeoutException when connections are still open after {@code timeout}, listing them
     */
    public Route awaitIdle(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Waits.until(() -> runtime.counters().activeConnections() == 0, timeout, waited -> new AwaitTimeoutException(
                "route '" + name() + "': " + runtime.counters().activeConnections() + " connections still open after "
                        + shown(waited) + ": " + connections()), () -> false, null);   // a close cuts them: it ends
        return this;
    }

    /**
     * Waits until the route has injected faults of {@code type} ({@code "reset_peer"}, {@code "latency"}, ...) at
     * least {@code n} times, as {@link ProxyMetrics#faultsInjected()} counts them.
     *
     * @throws AwaitTimeoutException when it injected fewer within {@code timeout}, saying how many of each type
     * @throws IllegalStateException as soon as it can no longer happen (the route was removed or the proxy closed,
     *     and its last connection ended), when interrupted (the flag stays set), or on an event loop
     */
    public Route awaitInjected(String type, long n, Duration timeout) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(timeout, "timeout");
        Waits.until(() -> runtime.counters().faultsInjected().getOrDefault(type, 0L) >= n, timeout,
                waited -> new AwaitTimeoutException("route '" + name() + "': " + type + " injected "
                        + runtime.counters().faultsInjected().getOrDefault(type, 0L) + " of " + n + " times within "
                        + shown(waited) + "; injected so far: " + runtime.counters().faultsInjected()), this::gone,
                () -> ended(type + " injected " + runtime.counters().faultsInjected().getOrDefault(type, 0L) + " of "
                        + n + " times"));
        return this;
    }

    /**
     * Waits until the route's counts satisfy {@code condition}, e.g. {@code m -> m.bytesDownstream() >= 1024}.
     *
     * @throws AwaitTimeoutException when they do not within {@code timeout}, showing the last counts
     * @throws IllegalStateException as soon as it can no longer happen (the route was removed or the proxy closed,
     *     and its last connection ended), when interrupted (the flag stays set), or on an event loop
     */
    public Route awaitMetrics(java.util.function.Predicate<ProxyMetrics> condition, Duration timeout) {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(timeout, "timeout");
        Waits.until(() -> condition.test(metrics()), timeout, waited -> new AwaitTimeoutException(
                "route '" + name() + "': the condition did not hold within " + shown(waited) + "; counts: "
                        + metrics()), this::gone, () -> ended("the condition does not hold; counts: " + metrics()));
        return this;
    }

    /** Whether the counts are final: the route was removed or its proxy closed, and its last connection ended. */
    private boolean gone() {
        return runtime.stoppedForGood() && runtime.counters().activeConnections() == 0;
    }

    private IllegalStateException ended(String reached) {
        return new IllegalStateException("route '" + name() + "' was removed or its proxy closed while waiting: "
                + reached + "; nothing more will come");
    }

    private static String shown(Duration waited) {
        return waited.toMillis() + " ms";
    }

    /**
     * This route's part of its proxy's {@link ChaosProxy#journal() journal}: what it did, oldest first, as far back as
     * the journal reaches. An entry of the route itself has connection 0.
     */
    public JournalExcerpt journal() {
        String name = name();
        return journal.since(0).filter(entry -> name.equals(entry.route()));
    }

    RouteRuntime runtime() {
        return runtime;
    }

    private <T> T checkOpen(T value) {
        if (proxyClosed.getAsBoolean()) {
            throw new IllegalStateException("route '" + name() + "': the proxy is closed; start a new one");
        }
        return value;
    }

    @Override
    public String toString() {
        return "Route{" + name() + " " + localPorts() + " -> " + upstreams.stream().map(Upstream::address).toList()
                + ", faults="
                + faults().stream().map(Fault::name).toList() + (runtime.isEnabled() ? "" : ", disabled") + "}";
    }
}
