package io.chaosproxy.internal;

import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * What a {@link Stage} may do to the stream it sits in: pass chunks on now or at a later time, read the clock
 * and draw random numbers from its connection's seeded generator. The context owns the chunks a stage
 * delays, and keeps them in order: a chunk never leaves before one that arrived ahead of it.
 */
public final class StageContext {
    private final Pipe pipe;
    private final int index;
    private final EventLoop loop;
    private final SplittableRandom random;
    private ArrayDeque<Chunk> delayed;   // made on first delay, so a connection without faults holds none
    private Timer timer;
    private long lastDueNanos;

    StageContext(Pipe pipe, int index, EventLoop loop, SplittableRandom random) {
        this.pipe = pipe;
        this.index = index;
        this.loop = loop;
        this.random = random;
        this.lastDueNanos = loop.nanoTime();
    }

    /** Passes the chunk to the next stage (or the sink), behind any chunk this stage still delays. */
    public void forward(Chunk chunk) {
        if (delayed != null && !delayed.isEmpty()) {
            forwardAt(lastDueNanos, chunk);
        } else {
            pipe.deliver(index + 1, chunk);
        }
    }

    /**
     * Passes the chunk on at {@code dueNanos} ({@link System#nanoTime()} time), or right after the chunk in
     * front of it if that one is due later.
     */
    public void forwardAt(long dueNanos, Chunk chunk) {
        if (dueNanos - lastDueNanos < 0) {
            dueNanos = lastDueNanos;   // a shorter delay must not let this chunk overtake the previous one
        }
        lastDueNanos = dueNanos;
        boolean nothingWaiting = delayed == null || delayed.isEmpty();
        if (nothingWaiting && dueNanos - loop.nanoTime() <= 0) {
            pipe.deliver(index + 1, chunk);
            return;
        }
        if (delayed == null) {
            delayed = new ArrayDeque<>();
            timer = new Timer(this::releaseDue);
        }
        chunk.dueNanos = dueNanos;
        delayed.addLast(chunk);
        if (nothingWaiting) {
            loop.schedule(timer, dueNanos);
        }
    }

    /** The loop's clock, {@link System#nanoTime()}. */
    public long nanoTime() {
        return loop.nanoTime();
    }

    /** The connection's random generator, seeded from the proxy's seed. */
    public SplittableRandom random() {
        return random;
    }

    /** Bytes this stage holds back right now. */
    long heldBytes() {
        long bytes = 0;
        if (delayed != null) {
            for (Chunk chunk : delayed) {
                bytes += chunk.size();
            }
        }
        return bytes;
    }

    private void releaseDue() {
        long now = loop.nanoTime();
        Chunk next;
        while ((next = delayed.peekFirst()) != null && next.dueNanos - now <= 0) {
            delayed.pollFirst();
            pipe.deliver(index + 1, next);
            if (pipe.isClosed()) {
                return;
            }
        }
        if (next != null) {
            loop.schedule(timer, next.dueNanos);
        }
    }

    /** Gives every chunk still held back to the pool; the connection is closing. */
    void discard(BufferPool pool) {
        if (delayed == null) {
            return;
        }
        loop.cancel(timer);
        Chunk chunk;
        while ((chunk = delayed.pollFirst()) != null) {
            pool.release(chunk);
        }
    }
}
