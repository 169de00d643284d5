package io.chaosproxy.internal;

import io.chaosproxy.spi.FaultContext;
import io.chaosproxy.spi.StageTimer;
import java.util.SplittableRandom;

/**
 * What a data stage's link ({@link StageLink}) and a connection stage's link ({@link ConnectionFaultLink}) share:
 * the {@link FaultContext} of one fault on one connection, with its timers, which stop when the fault is removed
 * or the connection closes. Loop thread only.
 */
abstract class FaultLink implements FaultContext {
    final FaultEntry entry;
    final EventLoop loop;
    private final SplittableRandom random;
    boolean removed;
    private StageTimers timers;   // made with the first timer

    FaultLink(FaultEntry entry, EventLoop loop, SplittableRandom random) {
        this.entry = entry;
        this.loop = loop;
        this.random = random;
    }

    @Override
    public StageTimer newTimer(Runnable action) {
        if (timers == null) {
            timers = new StageTimers(loop, entry, () -> !removed && !entry.connection().isClosed());
        }
        return timers.add(action);
    }

    /** The fault is gone from this connection: its timers stop, and never run again. */
    void stopTimers() {
        removed = true;
        if (timers != null) {
            timers.cancelAll();
        }
    }

    @Override
    public long nanoTime() {
        return loop.nanoTime();
    }

    @Override
    public long connectionOpenedNanos() {
        return entry.connection().openedNanos();
    }

    @Override
    public SplittableRandom random() {
        return random;
    }

    @Override
    public void close(String reason) {
        entry.connection().closeBy(reason, false);
    }

    @Override
    public void reset(String reason) {
        entry.connection().closeBy(reason, true);
    }

    @Override
    public void injected(String detail) {
        entry.connection().faultInjected(entry.fault(), detail, entry.journalInjection());
    }
}
