package io.chaosproxy.internal;

import io.chaosproxy.spi.StageTimer;

/**
 * A stage's re-armable timer on its connection's loop; cancelled for good when the stage is removed or the
 * connection closes.
 */
final class LoopStageTimer implements StageTimer {
    private final EventLoop loop;
    private final Timer timer;

    LoopStageTimer(EventLoop loop, Runnable action) {
        this.loop = loop;
        this.timer = new Timer(action);
    }

    @Override
    public void armAt(long deadlineNanos) {
        loop.schedule(timer, deadlineNanos);
    }

    @Override
    public void armIn(long delayNanos) {
        armAt(loop.nanoTime() + delayNanos);
    }

    @Override
    public boolean isArmed() {
        return timer.armed;
    }

    @Override
    public void cancel() {
        loop.cancel(timer);
    }
}
