package io.chaosproxy.internal;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * One link of a pipe's chain: a {@link Stage} and the {@link StageContext} it works through. The link owns every
 * chunk its stage delays or holds and keeps them in order: when the stage is removed, they move on, in order,
 * so no fault loses bytes it was not asked to lose. Loop thread only.
 */
final class StageLink extends FaultLink implements StageContext {
    private final Pipe pipe;
    Stage stage;
    StageLink next;                   // null: the sink is next
    private ArrayDeque<PooledChunk> delayed;   // made on first use, so a fault that delays nothing holds nothing
    private Timer delayTimer;
    private long lastDueNanos;
    private ArrayDeque<PooledChunk> held;
    private boolean pausingSource;
    private Runnable resumeWhenRoom;
    boolean actsOnData;                  // see mustSeeData()
    private Runnable resumeTask;

    StageLink(Pipe pipe, FaultEntry entry, EventLoop loop, SplittableRandom random) {
        super(entry, loop, random);
        this.pipe = pipe;
        this.lastDueNanos = loop.nanoTime();
    }

    /**
     * Makes the stage; a type that throws resets the connection (a bug in it), and a placeholder that forwards
     * keeps the chain whole meanwhile.
     */
    void create() {
        try {
            stage = entry.type().newStage(entry.fault(), this);
        } catch (Throwable t) {
            stage = this::forward;
            entry.connection().stageFailed(entry.fault(), t);
        }
        actsOnData = mustSeeData();
    }

    /** Whether data must pass through the stage (no fast path); asked once, as a stage's answer must not change. */
    private boolean mustSeeData() {
        try {
            return !stage.forwardsEveryChunkUnchanged();
        } catch (Throwable t) {
            entry.connection().stageFailed(entry.fault(), t);
            return true;
        }
    }

    @Override
    public void forward(Chunk given) {
        PooledChunk chunk = PooledChunk.of(given);
        if (passOnIfRemoved(chunk)) {
            return;
        }
        if (delayed != null && !delayed.isEmpty()) {
            forwardAt(lastDueNanos, chunk);
        } else {
            pipe.deliverTo(next, chunk);
        }
    }

    @Override
    public void forwardAt(long dueNanos, Chunk given) {
        PooledChunk chunk = PooledChunk.of(given);
        if (passOnIfRemoved(chunk)) {
            return;
        }
        if (dueNanos - lastDueNanos < 0) {
            dueNanos = lastDueNanos;
        }
        lastDueNanos = dueNanos;
        boolean nothingWaiting = delayed == null || delayed.isEmpty();
        if (nothingWaiting && dueNanos - loop.nanoTime() <= 0) {
            pipe.deliverTo(next, chunk);
            return;
        }
        if (delayed == null) {
            delayed = new ArrayDeque<>();
            delayTimer = new Timer(() -> guarded(this::releaseDue));
        }
        chunk = pipe.compact(chunk);   // held for a while: as little memory as its bytes need
        chunk.dueNanos = dueNanos;
        delayed.addLast(chunk);
        if (nothingWaiting) {
            loop.schedule(delayTimer, dueNanos);
        }
    }

    @Override
    public void hold(Chunk given) {
        PooledChunk chunk = PooledChunk.of(given);
        if (passOnIfRemoved(chunk)) {
            return;
        }
        if (held == null) {
            held = new ArrayDeque<>();
        }
        held.addLast(pipe.compact(chunk));   // held for a while: as little memory as its bytes need
    }

    /**
     * A stage removed while it handles a chunk (a listener told of the fault removed it) must not keep that
     * chunk: what it held has moved on already, so the chunk follows at once, behind it and in order.
     */
    private boolean passOnIfRemoved(PooledChunk chunk) {
        if (removed) {
            pipe.deliverTo(next, chunk);
            return true;
        }
        return false;
    }

    @Override
    public Chunk peekHeld() {
        return held == null ? null : held.peekFirst();
    }

    @Override
    public Chunk pollHeld() {
        return held == null ? null : held.pollFirst();
    }

    @Override
    public boolean hasRoomToSplit() {
        return pipe.hasRoomToSplit(this);
    }

    @Override
    public void whenRoomToSplit(Runnable action) {
        resumeWhenRoom = action;
        pipe.waitForRoom(this);
    }

    Runnable resumeTask() {
        if (resumeTask == null) {
            resumeTask = () -> {
                Runnable action = resumeWhenRoom;
                resumeWhenRoom = null;
                if (action != null && !removed && !pipe.isClosed()) {
                    guarded(action);
                }
            };
        }
        return resumeTask;
    }

    @Override
    public Chunk split(Chunk chunk, int bytes) {
        if (bytes <= 0 || bytes > chunk.size()) {
            throw new IllegalArgumentException("split of " + bytes + " bytes off a chunk of " + chunk.size());
        }
        return pipe.split(PooledChunk.of(chunk), bytes);
    }

    @Override
    public Chunk newChunk(ByteBuffer bytes) {
        int size = bytes.remaining();
        if (size <= 0 || size > Chunk.MAX_SIZE) {
            throw new IllegalArgumentException("new chunk of " + size + " bytes; 1.." + Chunk.MAX_SIZE + " allowed");
        }
        return pipe.newChunk(bytes);
    }

    @Override
    public void discard(Chunk given) {
        PooledChunk chunk = PooledChunk.of(given);
        pipe.discard(chunk);
    }

    @Override
    public void pauseSource() {
        if (!pausingSource) {
            pausingSource = true;
            pipe.stagePause(true);
        }
    }

    @Override
    public void resumeSource() {
        if (pausingSource) {
            pausingSource = false;
            pipe.stagePause(false);
        }
    }

    @Override
    public void endStreamThenClose(String reason) {
        pauseSource();
        PooledChunk end = pipe.newEnd();
        end.closeReason = reason;
        forward(end);
    }

    @Override
    public void cut(String reason) {
        entry.connection().cut(reason);
    }

    @Override
    public void bytesChanged(int count) {
        entry.connection().counters().bytesCorrupted(count);
    }

    /** The fault this stage applies. */
    Fault fault() {
        return entry.fault();
    }

    boolean isRemoved() {
        return removed;
    }

    /** Runs the stage's code, guarded: see {@link FaultEntry#runGuarded}. */
    void guarded(Runnable action) {
        entry.runGuarded(action);
    }

    private void releaseDue() {
        long now = loop.nanoTime();
        PooledChunk first;
        while ((first = delayed.peekFirst()) != null && first.dueNanos - now <= 0) {
            delayed.pollFirst();
            pipe.deliverTo(next, first);
            if (pipe.isClosed() || removed) {
                return;
            }
        }
        if (first != null) {
            loop.schedule(delayTimer, first.dueNanos);
        }
    }

    /** Stops the stage's timers; returns every chunk it holds, in the order they must leave. */
    ArrayDeque<PooledChunk> detach() {
        stopTimers();   // and marks the stage removed
        if (delayTimer != null) {
            loop.cancel(delayTimer);
        }
        resumeSource();
        ArrayDeque<PooledChunk> leftovers = new ArrayDeque<>();
        if (delayed != null) {
            leftovers.addAll(delayed);   // forwarded by the stage already, so ahead of what it still holds
            delayed.clear();
        }
        if (held != null) {
            leftovers.addAll(held);
            held.clear();
        }
        return leftovers;
    }
}
