package io.chaosproxy.internal;

/**
 * A re-armable deadline on one {@link EventLoop}. Owners keep one instance and re-arm it, so scheduling
 * allocates nothing.
 */
final class Timer implements Comparable<Timer> {
    private final Runnable action;
    long deadlineNanos;
    long sequence;          // breaks ties so timers with the same deadline fire in arming order
    boolean armed;

    Timer(Runnable action) {
        this.action = action;
    }

    void fire() {
        action.run();
    }

    @Override
    public int compareTo(Timer other) {
        // Subtraction, not Long.compare: nanoTime values may wrap.
        long diff = deadlineNanos - other.deadlineNanos;
        if (diff != 0) {
            return diff < 0 ? -1 : 1;
        }
        return Long.compare(sequence, other.sequence);
    }
}
