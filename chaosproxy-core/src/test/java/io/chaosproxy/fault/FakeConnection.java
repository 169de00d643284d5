package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.ConnectionContext;
import io.chaosproxy.spi.ConnectionStage;
import io.chaosproxy.spi.FaultTypes;
import io.chaosproxy.spi.Refusal;
import io.chaosproxy.spi.StageTimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A connection that exists only in a test, on a {@link ManualClock}: a connection fault's stage acts on it
 * through {@link ConnectionContext}, and it records what the stage did (reports, holds, refusals, the way it
 * ended). {@link StageHarness} adds one direction's data path for a data fault. The connection is accepted when
 * this is made; times it reports are nanoseconds since then. What a stage throws reaches the test (the engine
 * would reset the connection).
 */
class FakeConnection implements ConnectionContext {
    /** Where the clock starts: any value, as with {@link System#nanoTime()}; stages must only subtract. */
    static final long DEFAULT_START_NANOS = 7_000_000_000_000L;

    /** Something the fault reported through {@code injected}, and when. */
    record Report(long atNanos, String detail) {
    }

    /** How the connection ended: the stage closed, cut or reset it, or its end-then-close end left. */
    record Closure(Kind kind, String reason, long atNanos) {
        enum Kind { CLOSE, CUT, RESET, END_THEN_CLOSE }
    }

    final ManualClock clock;
    private final long startNanos;
    private final SplittableRandom random;
    private final List<Report> reports = new ArrayList<>();
    private boolean hasStage;
    private ConnectionStage connectionStage;
    boolean removed;
    private Closure closure;
    private boolean upstreamContacted;
    private boolean hanging;
    private Refusal refusal;
    private long connectHoldNanos;

    FakeConnection(long seed) {
        this(seed, DEFAULT_START_NANOS);
    }

    /** A connection whose clock starts at {@code startNanos} (near {@code Long.MAX_VALUE} to test the wrap). */
    FakeConnection(long seed, long startNanos) {
        this.random = new SplittableRandom(seed);
        this.startNanos = startNanos;
        this.clock = new ManualClock(startNanos);
    }

    /** Makes the connection fault's stage, through its registered type, and starts it. */
    ConnectionStage startConnectionFault(Fault fault) {
        claimStage();
        connectionStage = FaultTypes.of(fault).newConnectionStage(fault, this);
        connectionStage.onStart();
        return connectionStage;
    }

    /** Moves the clock on; each timer due meanwhile runs at its deadline, in deadline order. */
    void advance(Duration duration) {
        advanceNanos(duration.toNanos());
    }

    void advanceNanos(long nanos) {
        clock.advance(nanos);
    }

    /** Runs what is due now (a timer armed in the past), as the loop's next turn would. */
    void runDue() {
        advanceNanos(0);
    }

    /** Removes the fault: the stage hears of it, then its timers stop. */
    void remove() {
        connectionStage.onRemove();
        removed = true;
        clock.cancelAll();
    }

    /** The engine contacts the upstream: the connection is no longer new. */
    void contactUpstream() {
        upstreamContacted = true;
    }

    long elapsedNanos() {
        return nanoTime() - startNanos;
    }

    List<Report> reports() {
        return Collections.unmodifiableList(reports);
    }

    /** How the connection ended; null while it is open. */
    Closure closure() {
        return closure;
    }

    Refusal refusal() {
        return refusal;
    }

    long connectHoldNanos() {
        return connectHoldNanos;
    }

    @Override
    public boolean isNew() {
        return !upstreamContacted && !hanging && closure == null;
    }

    @Override
    public boolean holdConnect(long nanos) {
        if (!isNew()) {
            return false;
        }
        connectHoldNanos = Math.max(connectHoldNanos, nanos);
        return true;
    }

    @Override
    public boolean refuse(Refusal how, String detail) {
        if (!isNew()) {
            return false;
        }
        injected(detail);
        refusal = how;
        switch (how) {
            case CLOSE -> closeConnection(Closure.Kind.CLOSE, "dropped");
            case RESET -> closeConnection(Closure.Kind.RESET, "dropped");
            case HANG -> hanging = true;
        }
        return true;
    }

    /** A timer that, as the engine's, does nothing once the fault is removed or the connection closed. */
    @Override
    public StageTimer newTimer(Runnable action) {
        return clock.newTimer(() -> {
            if (!removed && closure == null) {
                action.run();
            }
        });
    }

    @Override
    public long nanoTime() {
        return clock.nanoTime();
    }

    @Override
    public long connectionOpenedNanos() {
        return startNanos;
    }

    @Override
    public SplittableRandom random() {
        return random;
    }

    @Override
    public void close(String reason) {
        closeConnection(Closure.Kind.CLOSE, reason);
    }

    @Override
    public void reset(String reason) {
        closeConnection(Closure.Kind.RESET, reason);
    }

    @Override
    public void injected(String detail) {
        reports.add(new Report(elapsedNanos(), detail));
    }

    /** Ends the connection (the first way asked wins): every timer stops. */
    void closeConnection(Closure.Kind kind, String reason) {
        if (closure == null) {
            closure = new Closure(kind, reason, elapsedNanos());
            clock.cancelAll();
            onClosed();
        }
    }

    /** The connection just closed: what it still held is lost. */
    void onClosed() {
    }

    void claimStage() {
        if (hasStage) {
            throw new IllegalStateException("one stage per harness");
        }
        hasStage = true;
    }
}
