package io.chaosproxy.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread owning a selector, every channel registered with it, a timer queue and a buffer pool. Other
 * threads reach it only through {@link #execute}; everything else is called on the loop thread.
 *
 * <p>Nothing a handler, timer or task throws ends the loop: the handler's connection is reset and the loop
 * goes on. Should the loop die all the same (its selector fails), it resets every connection it served, tells
 * its {@link #onDeath} hook (the group replaces it) and rejects further tasks.
 */
final class EventLoop implements Executor {
    private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
    private static final int MAX_TIMERS_PER_TURN = 1024;
    private static final ThreadLocal<Boolean> ON_A_LOOP = new ThreadLocal<>();
    /** Deadlines closer than this are met by the waker thread; farther ones by select's own timeout first. */
    private static final long PRECISE_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(4);

    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final LongSupplier nanoClock;   // every time the loop reads; System::nanoTime but in tests
    private final SelectorWaker waker;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final BufferPool buffers;
    private final int scratchSize;
    private ByteBuffer scratch;   // the fast path reads into it and writes straight out; taken on first use
    private final java.util.function.Consumer<SelectionKey> dispatch = this::dispatch;
    private long timerSequence;
    private volatile boolean closing;
    private volatile boolean started;   // written under this loop's monitor
    private volatile boolean failed;
    private volatile Throwable injectedFailure;   // tests: a failure thrown outside every guard
    private volatile Runnable onDeath = () -> { };

    /** The fast path's read size: bigger than a chunk, as fewer, larger copies move bulk data faster. */
    static final int SCRATCH_SIZE = 256 * 1024;

    EventLoop(String threadName, int chunkSize) {
        this(threadName, chunkSize, System::nanoTime);
    }

    /**
     * A loop on {@code nanoClock} (nanoseconds, as {@link System#nanoTime()}): its timers, and every stage on it,
     * see only this clock. A test that moves a fake clock on posts a task ({@link #execute}) for the loop to
     * read it again.
     */
    EventLoop(String threadName, int chunkSize, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        buffers = new BufferPool(chunkSize);
        scratchSize = Math.max(chunkSize, SCRATCH_SIZE);
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);   // a forgotten close() must not keep a test JVM alive
        String wakerName = threadName.contains("-loop-") ? threadName.replace("-loop-", "-timer-")
                : threadName.replace("chaos-proxy-", "chaos-proxy-timer-");
        waker = new SelectorWaker(selector, nanoClock, wakerName);
    }

    /**
     * Starts the thread on first use, so a loop no connection ever reaches costs no thread (starting one takes
     * hundreds of microseconds here, a good part of a proxy's start). Thread-safe.
     */
    private void ensureStarted() {
        if (!started) {
            synchronized (this) {
                if (!started && !closing) {
                    started = true;
                    thread.start();
                }
            }
        }
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Whether the caller is any proxy's event loop, which must never wait for another loop. */
    static boolean onAnyLoop() {
        return Boolean.TRUE.equals(ON_A_LOOP.get());
    }

    /** Runs the task on the loop thread, soon. Thread-safe. */
    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        ensureStarted();
        // Checked after adding: either the loop's last drain (after terminated) runs the task, or we take it back.
        if (terminated.isDone() && tasks.remove(task)) {
            throw new RejectedExecutionException("event loop " + thread.getName() + " is closed");
        }
        // Selector.wakeup() costs a system call: once per burst of tasks is enough.
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Whether the loop died of a failure (not a shutdown); it then takes no more tasks. */
    boolean hasFailed() {
        return failed;
    }

    /** What to do, on the dying thread, after a failure ended the loop. */
    void onDeath(Runnable hook) {
        this.onDeath = hook;
    }

    /** Tests only: makes the loop die as an unexpected error would, outside every guard. */
    void failForTest(Throwable failure) {
        injectedFailure = failure;
        ensureStarted();
        selector.wakeup();
    }

    /**
     * Runs {@code task} on this loop and returns once it is done, so that the caller sees its effect and its
     * errors: at once on this loop, after waiting from a thread that is no loop, and only posted from another loop
     * (of this proxy or another), since one loop waiting for another could deadlock. Nothing when this loop is
     * closed: whatever it served is closed with it.
     */
    void runFromAnywhere(Runnable task) {
        try {
            if (!inLoop() && onAnyLoop()) {
                execute(task);
            } else {
                call(() -> {
                    task.run();
                    return null;
                });
            }
        } catch (RejectedExecutionException closed) {
            // the loop is closed (the proxy is closing, or the loop failed)
        }
    }

    /** Runs the task on the loop and waits for it; rethrows what it threw. */
    <T> T call(java.util.concurrent.Callable<T> task) {
        if (inLoop()) {
            try {
                return task.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw e;
        }
    }

    SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws ClosedChannelException {
        assert inLoop() : "register on the loop thread";
        return channel.register(selector, ops, handler);
    }

    /** Flushes cancelled keys so that a closed channel really releases its port now. */
    void flushCancelledKeys() {
        assert inLoop();
        try {
            // Readiness seen here is not lost: the selector is level-triggered and reports it again next turn.
            selector.selectNow(key -> { });
        } catch (IOException e) {
            log.warn("selectNow failed while releasing a channel", e);
        }
        // selectNow() consumed any pending wakeup: without this, the flag would stay set with no wakeup behind
        // it, and a task posted after this turn's last poll would wait in a select() nobody wakes. A task
        // posted before this line is still polled by the runTasks() this runs in.
        wakeupPending.set(false);
    }

    /** Arms (or re-arms) the timer for the deadline. */
    void schedule(Timer timer, long deadlineNanos) {
        assert inLoop() : "post through execute()";
        if (timer.armed) {
            timers.remove(timer);
        }
        timer.deadlineNanos = deadlineNanos;
        timer.sequence = timerSequence++;
        timer.armed = true;
        timers.add(timer);
    }

    void cancel(Timer timer) {
        if (timer.armed) {
            timers.remove(timer);
            timer.armed = false;
        }
    }

    /** The loop's clock: what its timers, connections and stages go by. */
    long nanoTime() {
        return nanoClock.getAsLong();
    }

    BufferPool buffers() {
        return buffers;
    }

    ByteBuffer scratch() {
        if (scratch == null) {
            scratch = DirectBuffers.take(scratchSize);   // a proxy that never forwards a byte never touches one
        }
        return scratch;
    }

    String name() {
        return thread.getName();
    }

    /** Asks the loop to close every channel it still holds and end its thread. Thread-safe. */
    CompletableFuture<Void> shutdown() {
        synchronized (this) {
            closing = true;
            if (!started) {
                started = true;   // and never will be: execute() now rejects every task
                closeQuietly(selector);
                terminated.complete(null);
                return terminated;
            }
        }
        selector.wakeup();
        return terminated;
    }

    void awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        thread.join(unit.toMillis(timeout));
    }

    private void run() {
        ON_A_LOOP.set(Boolean.TRUE);
        try {
            while (!closing) {
                // A listener that restored an interrupt (as code catching InterruptedException should) would make
                // every select return at once, the loop spinning for good; nothing here is interruptible on purpose.
                Thread.interrupted();
                select();
                wakeupPending.set(false);
                Throwable injected = injectedFailure;
                if (injected != null) {
                    injectedFailure = null;
                    throwUnchecked(injected);
                }
                runDueTimers();
                runTasks();
            }
        } catch (Throwable t) {
            failed = !closing;
            log.error("event loop {} failed; its connections are reset{}", thread.getName(),
                    failed ? " and new ones go to a new loop" : "", t);
        } finally {
            closing = true;
            try {
                waker.stop();
                closeEverything();
            } catch (Throwable t) {
                log.error("event loop {} could not close everything it held", thread.getName(), t);
            } finally {
                terminated.complete(null);
                runTasks();   // tasks that raced with the shutdown: they fail fast on the closed selector
                if (failed) {
                    runDeathHook();
                }
            }
        }
    }

    private void runDeathHook() {
        try {
            onDeath.run();
        } catch (Throwable t) {
            log.error("replacing the failed event loop {} failed", thread.getName(), t);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void throwUnchecked(Throwable t) throws T {
        throw (T) t;
    }

    /** Waits for ready channels (or the next timer, or a task) and hands each ready key to its handler. */
    private void select() throws IOException {
        // The Consumer form of select skips the selected-key set: no iterator, no HashSet work per event.
        if (!tasks.isEmpty()) {
            selector.selectNow(dispatch);
            return;
        }
        Timer next = timers.peek();
        if (next == null) {
            selector.select(dispatch);
            return;
        }
        long waitNanos = next.deadlineNanos - nanoTime();
        if (waitNanos <= 0) {
            selector.selectNow(dispatch);
        } else if (waitNanos > PRECISE_WINDOW_NANOS) {
            // A far deadline (a connect timeout, a long delay): epoll's whole milliseconds are fine until the
            // deadline is near, and waking the waker thread at every turn would cost two futex calls and a
            // context switch per turn. Wake up early (epoll may be a millisecond late) and be precise then.
            selector.select(dispatch, TimeUnit.NANOSECONDS.toMillis(waitNanos - PRECISE_WINDOW_NANOS / 2));
        } else {
            // The waker ends the wait on time; select's own timeout (whole milliseconds, rounded up so a timer
            // never runs early) is only the fallback.
            waker.armAt(next.deadlineNanos);
            selector.select(dispatch, Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
            waker.disarm();
        }
    }

    private void dispatch(SelectionKey key) {
        if (!key.isValid() || closing) {
            return;   // closing: end this turn quickly, whatever else is ready; everything is closed next
        }
        IoHandler handler = (IoHandler) key.attachment();
        try {
            handler.onReady(key);
        } catch (Throwable e) {
            // Anything, an OutOfMemoryError or a StackOverflowError from a listener too: that connection is
            // reset, and the loop's other connections go on.
            log.error("handler {} failed; resetting it", handler, e);
            try {
                handler.onFailure();
            } catch (Throwable again) {
                log.error("resetting {} failed too", handler, again);
            }
        }
    }

    private void runDueTimers() {
        long now = nanoTime();
        for (int i = 0; i < MAX_TIMERS_PER_TURN; i++) {
            Timer timer = timers.peek();
            if (timer == null || timer.deadlineNanos - now > 0) {
                return;
            }
            timers.poll();
            timer.armed = false;
            try {
                timer.fire();
            } catch (Throwable e) {
                log.error("timer task failed", e);
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (Throwable e) {
                log.error("loop task failed", e);
            }
        }
    }

    private void closeEverything() {
        runTasks();   // tasks posted before shutdown may still hand this loop channels to close
        for (SelectionKey key : new ArrayList<>(selector.keys())) {
            boolean keep = false;
            if (key.attachment() instanceof IoHandler handler) {
                try {
                    keep = handler.onLoopClosing(failed);
                } catch (Throwable e) {
                    log.warn("closing {} failed", handler, e);
                }
            }
            if (!keep) {
                closeQuietly(key.channel());
            }
        }
        timers.clear();
        // Every channel is closed, so no pipe reads into these any more: a later loop may have them.
        buffers.recycleFree();
        if (scratch != null) {
            DirectBuffers.give(scratch);
            scratch = null;
        }
        try {
            selector.close();
        } catch (IOException e) {
            log.warn("closing the selector of {} failed", thread.getName(), e);
        }
    }

    static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // Nothing left to do for a channel that cannot even close.
        }
    }
}
