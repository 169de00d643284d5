package io.chaosproxy.internal;

/**
 * A re-armable timer of one stage, run on its connection's loop; cancelled for good when the stage is
 * removed or the connection closes.
 */
public final class StageTimer {
    private final EventLoop loop;
    private final Timer timer;

    StageTimer(EventLoop loop, Runnable action) {
        this.loop = loop;
        this.timer = new Timer(action);
    }

    /** Runs the action at {@code deadlineNanos} ({@link System#nanoTime()} time), replacing any earlier arming. */
    public void armAt(long deadlineNanos) {
        loop.schedule(timer, deadlineNanos);
    }

    /** Runs the action {@code delayNanos} from now. */
    public void armIn(long delayNanos) {
        armAt(loop.nanoTime() + delayNanos);
    }

    public boolean isArmed() {
        return timer.armed;
    }

    public void cancel() {
        loop.cancel(timer);
    }
}
