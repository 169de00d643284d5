package io.chaosproxy.internal;

import java.nio.channels.Selector;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Wakes one loop's selector at its next timer's deadline, more precisely than {@code select(ms)} can: epoll
 * waits whole milliseconds (up to a millisecond late), {@code parkNanos} tens of microseconds. Without it a
 * 10 ms latency fault would add up to 11 ms.
 */
final class SelectorWaker {
    private final Selector selector;
    private final LongSupplier nanoClock;   // the loop's
    private final Thread thread;
    private volatile long deadlineNanos;
    private volatile boolean armed;
    private volatile boolean stopped;
    private volatile long parkedUntil = Long.MAX_VALUE;   // when the waker wakes by itself; MAX: never
    private boolean started;   // loop thread only

    SelectorWaker(Selector selector, LongSupplier nanoClock, String threadName) {
        this.selector = selector;
        this.nanoClock = nanoClock;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    /** Called by the loop before it blocks: wake it at {@code deadline} unless it wakes up first. */
    void armAt(long deadline) {
        if (!started) {
            // Started on first need: a proxy whose timers are all far away (or absent) never pays for a thread.
            started = true;
            thread.start();
        }
        deadlineNanos = deadline;
        armed = true;
        // Unpark (a futex call, and a context switch) only when the waker would otherwise sleep past the
        // deadline. The waker writes parkedUntil before re-reading deadlineNanos, and this reads parkedUntil
        // after writing deadlineNanos: one of the two always sees the other's write.
        long until = parkedUntil;
        if (until == Long.MAX_VALUE || deadline - until < 0) {
            LockSupport.unpark(thread);
        }
    }

    /** Called by the loop when it woke up. */
    void disarm() {
        armed = false;
    }

    /** Ends the waker thread, if it ever started. Called by the loop thread as it ends. */
    void stop() {
        stopped = true;
        if (!started) {
            return;
        }
        LockSupport.unpark(thread);
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (!stopped) {
            if (!armed) {
                parkedUntil = Long.MAX_VALUE;
                if (!armed) {
                    LockSupport.park(this);
                }
                continue;
            }
            long deadline = deadlineNanos;
            parkedUntil = deadline;
            if (deadlineNanos != deadline) {
                continue;   // moved while we were writing parkedUntil: read it again
            }
            long wait = deadline - nanoClock.getAsLong();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            } else if (armed && deadlineNanos == deadline) {
                armed = false;
                selector.wakeup();
            }
        }
    }
}
