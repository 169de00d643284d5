package io.chaosproxy.internal;

import io.chaosproxy.spi.ConnectionContext;
import io.chaosproxy.spi.ConnectionStage;
import io.chaosproxy.spi.Refusal;
import io.chaosproxy.spi.StageTimer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A connection fault's {@link ConnectionStage} on one connection, and the {@link ConnectionContext} it acts
 * through. Its timers stop when the fault is removed or the connection closes. Loop thread only.
 */
final class ConnectionFaultLink implements ConnectionContext {
    private final FaultEntry entry;
    private final FaultHost connection;
    private final EventLoop loop;
    private final SplittableRandom random;
    private List<LoopStageTimer> timers;
    private boolean removed;
    ConnectionStage stage;

    ConnectionFaultLink(FaultEntry entry, EventLoop loop, SplittableRandom random) {
        this.entry = entry;
        this.connection = entry.connection();
        this.loop = loop;
        this.random = random;
    }

    /** Makes the stage; a type that throws resets the connection (a bug in it), like a throwing data stage. */
    void create() {
        try {
            stage = entry.type().newConnectionStage(entry.fault(), this);
        } catch (Throwable t) {
            connection.stageFailed(entry.fault(), t);
        }
    }

    void start() {
        if (stage != null && !removed) {
            guarded(stage::onStart);
        }
    }

    void remove() {
        if (stage != null && !removed) {
            guarded(stage::onRemove);
        }
        removed = true;
        if (timers != null) {
            timers.forEach(LoopStageTimer::cancel);
        }
    }

    /** The connection closed: its timers stop (the stage is not told; nothing of it is left to undo). */
    void stop() {
        removed = true;
        if (timers != null) {
            timers.forEach(LoopStageTimer::cancel);
        }
    }

    @Override
    public boolean isNew() {
        return connection.isNew();
    }

    @Override
    public boolean holdConnect(long nanos) {
        return connection.holdConnect(nanos);
    }

    @Override
    public boolean refuse(Refusal how, String detail) {
        return connection.refuse(how, entry.fault(), detail);
    }

    @Override
    public StageTimer newTimer(Runnable action) {
        LoopStageTimer timer = new LoopStageTimer(loop, () -> {
            if (!removed && !connection.isClosed()) {
                guarded(action);
            }
        });
        if (timers == null) {
            timers = new ArrayList<>(1);
        }
        timers.add(timer);
        return timer;
    }

    @Override
    public long nanoTime() {
        return loop.nanoTime();
    }

    @Override
    public long connectionOpenedNanos() {
        return connection.openedNanos();
    }

    @Override
    public SplittableRandom random() {
        return random;
    }

    @Override
    public void close(String reason) {
        connection.closeBy(reason, false);
    }

    @Override
    public void reset(String reason) {
        connection.closeBy(reason, true);
    }

    @Override
    public void injected(String detail) {
        connection.faultInjected(entry.fault(), detail);
    }

    private void guarded(Runnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            connection.stageFailed(entry.fault(), t);
        }
    }
}
