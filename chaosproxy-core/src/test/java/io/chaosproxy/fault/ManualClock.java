package io.chaosproxy.fault;

import io.chaosproxy.spi.StageTimer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link StageHarness}'s clock: it moves only when the test moves it, and each timer due meanwhile runs at its
 * own deadline, in deadline order (ties in arming order, as on the engine's loop), so a stage sees the time its
 * timer asked for. Values are compared by subtraction only: like {@link System#nanoTime()}, they may wrap.
 */
final class ManualClock {
    private static final int MAX_FIRINGS_AT_ONE_INSTANT = 1_000_000;

    private final List<Timer> timers = new ArrayList<>();
    private long now;
    private long armings;

    ManualClock(long startNanos) {
        this.now = startNanos;
    }

    long nanoTime() {
        return now;
    }

    Timer newTimer(Runnable action) {
        Timer timer = new Timer(action);
        timers.add(timer);
        return timer;
    }

    /** Moves the clock on by {@code nanos}, running each timer at its deadline on the way. */
    void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("the clock cannot go back: " + nanos + "ns");
        }
        long target = now + nanos;
        int firedNow = 0;
        Timer next;
        while ((next = nextArmed()) != null && next.deadlineNanos - target <= 0) {
            if (next.deadlineNanos - now > 0) {
                now = next.deadlineNanos;   // a timer armed in the past runs now: the clock never goes back
                firedNow = 0;
            } else if (++firedNow > MAX_FIRINGS_AT_ONE_INSTANT) {
                throw new IllegalStateException("a timer re-arms itself at the same instant forever");
            }
            next.armed = false;
            next.action.run();
        }
        now = target;
    }

    /** Disarms every timer: the stage was removed or the connection closed. */
    void cancelAll() {
        timers.forEach(Timer::cancel);
    }

    private Timer nextArmed() {
        Timer next = null;
        for (Timer timer : timers) {
            if (timer.armed && (next == null || timer.comesBefore(next))) {
                next = timer;
            }
        }
        return next;
    }

    /** A re-armable timer on this clock. */
    final class Timer implements StageTimer {
        private final Runnable action;
        private long deadlineNanos;
        private long arming;
        private boolean armed;

        private Timer(Runnable action) {
            this.action = action;
        }

        private boolean comesBefore(Timer other) {
            long diff = deadlineNanos - other.deadlineNanos;
            return diff != 0 ? diff < 0 : arming < other.arming;
        }

        @Override
        public void armAt(long deadline) {
            deadlineNanos = deadline;
            arming = armings++;
            armed = true;
        }

        @Override
        public void armIn(long delayNanos) {
            armAt(now + delayNanos);
        }

        @Override
        public boolean isArmed() {
            return armed;
        }

        @Override
        public void cancel() {
            armed = false;
        }
    }
}
