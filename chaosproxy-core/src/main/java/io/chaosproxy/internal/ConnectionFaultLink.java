package io.chaosproxy.internal;

import io.chaosproxy.spi.ConnectionContext;
import io.chaosproxy.spi.ConnectionStage;
import io.chaosproxy.spi.Refusal;
import java.util.SplittableRandom;

/**
 * A connection fault's {@link ConnectionStage} on one connection, and the {@link ConnectionContext} it acts
 * through. Its timers stop when the fault is removed or the connection closes. Loop thread only.
 */
final class ConnectionFaultLink extends FaultLink implements ConnectionContext {
    ConnectionStage stage;

    ConnectionFaultLink(FaultEntry entry, EventLoop loop, SplittableRandom random) {
        super(entry, loop, random);
    }

    /** Makes the stage; a type that throws resets the connection (a bug in it), like a throwing data stage. */
    void create() {
        entry.runGuarded(() -> stage = entry.type().newConnectionStage(entry.fault(), this));
    }

    void start() {
        if (stage != null && !removed) {
            entry.runGuarded(stage::onStart);
        }
    }

    void remove() {
        if (stage != null && !removed) {
            entry.runGuarded(stage::onRemove);
        }
        stop();
    }

    /** The connection closed: its timers stop (the stage is not told; nothing of it is left to undo). */
    void stop() {
        stopTimers();
    }

    @Override
    public boolean isNew() {
        return entry.connection().isNew();
    }

    @Override
    public boolean holdConnect(long nanos) {
        return entry.connection().holdConnect(nanos);
    }

    @Override
    public boolean refuse(Refusal how, String detail) {
        return entry.connection().refuse(how, entry.fault(), detail);
    }
}
