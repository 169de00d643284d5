package io.chaosproxy.internal;

import java.nio.channels.Selector;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes one loop's selector at its next timer's deadline, more precisely than {@code select(ms)} can: epoll
 * waits whole milliseconds (up to a millisecond late), {@code parkNanos} tens of microseconds. Without it a
 * 10 ms latency fault would add up to 11 ms.
 */
final class SelectorWaker {
    private final Selector selector;
    private final Thread thread;
    private volatile long deadlineNanos;
    private volatile boolean armed;
    private volatile boolean stopped;

    SelectorWaker(Selector selector, String threadName) {
        this.selector = selector;
        this.thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Called by the loop before it blocks: wake it at {@code deadline} unless it wakes up first. */
    void armAt(long deadline) {
        boolean earlier = !armed || deadline - deadlineNanos < 0;
        deadlineNanos = deadline;
        armed = true;
        if (earlier) {
            LockSupport.unpark(thread);   // a later deadline needs no syscall: the waker re-reads it when it wakes
        }
    }

    /** Called by the loop when it woke up. */
    void disarm() {
        armed = false;
    }

    void stop() {
        stopped = true;
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
                LockSupport.park(this);
                continue;
            }
            long deadline = deadlineNanos;
            long wait = deadline - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            } else if (armed && deadlineNanos == deadline) {
                armed = false;
                selector.wakeup();
            }
        }
    }
}
