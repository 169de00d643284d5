package io.chaosproxy.internal;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The thread that plays a proxy's scenarios, {@code chaos-proxy-scenario-<proxy>}: started at the first play, ended
 * with the proxy. A step runs here, never on an event loop, so a step that waits (a route's {@code disable()}
 * waiting for the loops to cut its connections) delays only the steps behind it. Deadlines are met by parking
 * until them ({@code parkNanos}), as precisely as the loops' timers ({@code SelectorWaker} parks the same way).
 */
public final class ScenarioClock {
    private final String threadName;
    private ScheduledThreadPoolExecutor executor;   // guarded by this; null until the first play
    private volatile Thread thread;
    private boolean closed;                         // guarded by this

    ScenarioClock(String proxyName) {
        this.threadName = "chaos-proxy-scenario-" + proxyName;
    }

    /**
     * Runs {@code task} at {@code deadlineNanos} ({@link System#nanoTime()} time), or at once when it is past.
     *
     * @throws RejectedExecutionException when the proxy is closed
     */
    public ScheduledFuture<?> runAt(long deadlineNanos, Runnable task) {
        return executor().schedule(task, deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /** Whether the caller is this clock's thread: a step, or a listener told of one. */
    public boolean onClockThread() {
        return Thread.currentThread() == thread;
    }

    private synchronized ScheduledThreadPoolExecutor executor() {
        if (closed) {
            throw new RejectedExecutionException("the proxy is closed");
        }
        if (executor == null) {
            executor = new ScheduledThreadPoolExecutor(1, task -> {
                Thread made = new Thread(task, threadName);
                made.setDaemon(true);   // a forgotten close() must not keep a test JVM alive
                thread = made;
                return made;
            });
            executor.setRemoveOnCancelPolicy(true);
        }
        return executor;
    }

    /** Ends the thread: waits for a step under way, except on the thread itself. Idempotent. */
    void close() {
        ScheduledThreadPoolExecutor ending;
        synchronized (this) {
            closed = true;
            ending = executor;
        }
        if (ending == null) {
            return;
        }
        ending.shutdownNow();
        if (onClockThread() || EventLoop.onAnyLoop()) {
            return;   // it ends once the step (or the listener) that closed the proxy returns
        }
        try {
            ending.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
