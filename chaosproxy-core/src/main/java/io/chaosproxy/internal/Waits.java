package io.chaosproxy.internal;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Polls a condition on the caller's thread until it holds or the time is up. Polling, not notification: the counts
 * it reads are the loops' plain counters, and a loop must never pay for a waiter. The pause grows from 0.1 ms to
 * 10 ms, so a wait ends within about 10 ms of the condition holding and costs little while it lasts.
 */
public final class Waits {
    private static final long FIRST_PAUSE = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long LONGEST_PAUSE = TimeUnit.MILLISECONDS.toNanos(10);
    private static final Duration NO_END = Duration.ofNanos(Long.MAX_VALUE / 4);   // ~73 years; deadline can't wrap

    private Waits() {
    }

    /**
     * Returns once {@code condition} holds; throws what {@code timedOut} makes of the time waited when it does not
     * within {@code timeout}, or {@code ended} as soon as {@code over} says it never will (the route is gone and
     * nothing can change its counts). Refuses an event loop, which would wait for itself. A timeout too long for
     * {@code long} nanoseconds waits without end.
     */
    public static void until(BooleanSupplier condition, Duration timeout,
            Function<Duration, ? extends RuntimeException> timedOut, BooleanSupplier over,
            Supplier<? extends RuntimeException> ended) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout " + timeout + " is negative");
        }
        if (EventLoop.onAnyLoop()) {
            throw new IllegalStateException("a wait on a listener's event loop would stop the traffic it waits for;"
                    + " wait from the test's thread");
        }
        long start = System.nanoTime();
        long deadline = start + (timeout.compareTo(NO_END) >= 0 ? NO_END.toNanos() : timeout.toNanos());
        long pause = FIRST_PAUSE;
        while (!condition.getAsBoolean()) {
            if (over.getAsBoolean() && !condition.getAsBoolean()) {   // again: the last change may have met it
                throw ended.get();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw timedOut.apply(Duration.ofNanos(System.nanoTime() - start));
            }
            LockSupport.parkNanos(Math.min(pause, left));
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();   // keep the flag for the caller
                throw new IllegalStateException("interrupted while waiting");
            }
            pause = Math.min(pause * 2, LONGEST_PAUSE);
        }
    }
}
