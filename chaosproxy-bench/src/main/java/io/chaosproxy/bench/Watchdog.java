package io.chaosproxy.bench;

import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Finds hangs (a side of a connection that moved no byte for {@code hangAfter}: counted, then aborted so the
 * soak goes on) and keeps the peaks of direct memory (sampled every 100 ms), threads and fds (every second).
 */
final class Watchdog implements AutoCloseable {
    private final Set<Activity> activities = ConcurrentHashMap.newKeySet();
    private final long hangAfterNanos;
    private final Tally tally;
    private final Thread thread;
    private volatile Resources peak;
    private volatile boolean closed;

    Watchdog(Duration hangAfter, Tally tally) {
        this.hangAfterNanos = hangAfter.toNanos();
        this.tally = tally;
        this.peak = Resources.now();
        this.thread = new Thread(this::run, "soak-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches one side of a connection until {@link #unwatch}; {@code description} names it in a report. */
    Activity watch(SocketChannel channel, Supplier<String> description) {
        Activity activity = new Activity(channel, description);
        activities.add(activity);
        return activity;
    }

    void unwatch(Activity activity) {
        activities.remove(activity);
    }

    /** Sides of connections still open. */
    int active() {
        return activities.size();
    }

    /** The highest of each figure seen so far. */
    Resources peak() {
        return peak;
    }

    private void run() {
        for (long tick = 0; !closed; tick++) {
            if (tick % 10 == 0) {
                peak = peak.max(Resources.now());
                findHangs();
            } else {
                peak = peak.max(new Resources(Resources.directMemory(), 0, 0, 0));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void findHangs() {
        long now = System.nanoTime();
        for (Activity activity : activities) {
            if (!activity.hung() && activity.idleNanos(now) >= hangAfterNanos) {
                tally.failure(Tally.Failure.HANG, activity + ": nothing moved for "
                        + Duration.ofNanos(activity.idleNanos(now)).toSeconds() + " s");
                activity.abortAsHung();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join();
    }
}
