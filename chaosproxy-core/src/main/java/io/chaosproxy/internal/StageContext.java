package io.chaosproxy.internal;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.DropMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What a {@link Stage} may do to the stream it sits in and to its connection: pass chunks on now or later,
 * hold them, split them, pause the source, end, close or reset the connection, and report what it injected.
 * The context owns every chunk it delays or holds and keeps them in order: when the stage is removed, they
 * move on, in order, so no fault loses bytes it was not asked to lose. Loop thread only.
 */
public final class StageContext {
    private final Pipe pipe;
    private final FaultEntry entry;
    private final EventLoop loop;
    private final SplittableRandom random;
    Stage stage;
    StageContext next;                   // null: the sink is next
    private ArrayDeque<Chunk> delayed;   // made on first use, so a fault that delays nothing holds nothing
    private Timer delayTimer;
    private long lastDueNanos;
    private ArrayDeque<Chunk> held;
    private List<StageTimer> timers;
    private boolean pausingSource;
    private boolean removed;
    private Runnable resumeWhenRoom;
    boolean actsOnData;                  // the stage's forwardsEveryChunkUnchanged(), negated, asked once
    private Runnable resumeTask;

    StageContext(Pipe pipe, FaultEntry entry, EventLoop loop, SplittableRandom random) {
        this.pipe = pipe;
        this.entry = entry;
        this.loop = loop;
        this.random = random;
        this.lastDueNanos = loop.nanoTime();
    }

    /** Passes the chunk on now, behind any chunk this stage still delays. */
    public void forward(Chunk chunk) {
        if (passOnIfRemoved(chunk)) {
            return;
        }
        if (delayed != null && !delayed.isEmpty()) {
            forwardAt(lastDueNanos, chunk);
        } else {
            pipe.deliverTo(next, chunk);
        }
    }

    /**
     * Passes the chunk on at {@code dueNanos} ({@link System#nanoTime()} time), or right after the chunk in
     * front of it if that one is due later: chunks never overtake each other.
     */
    public void forwardAt(long dueNanos, Chunk chunk) {
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

    /** Keeps the chunk until the stage takes it back ({@link #pollHeld}) or is removed. */
    public void hold(Chunk chunk) {
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
    private boolean passOnIfRemoved(Chunk chunk) {
        if (removed) {
            pipe.deliverTo(next, chunk);
            return true;
        }
        return false;
    }

    /** The oldest held chunk, still held; {@code null} if none. */
    public Chunk peekHeld() {
        return held == null ? null : held.peekFirst();
    }

    /** Takes the oldest held chunk back; {@code null} if none. */
    public Chunk pollHeld() {
        return held == null ? null : held.pollFirst();
    }

    /**
     * Whether the pipe has room for {@link #split} (which takes new memory). Without it, hold what is left and
     * call {@link #whenRoomToSplit}: the memory bound counts on it.
     */
    public boolean hasRoomToSplit() {
        return pipe.hasRoomToSplit(this);
    }

    /** Runs {@code action} on the loop once the pipe has room to split again (unless the stage is gone by then). */
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

    /** Cuts the first {@code bytes} bytes off {@code chunk} into a new chunk; the original keeps the rest. */
    public Chunk split(Chunk chunk, int bytes) {
        if (bytes <= 0 || bytes > chunk.size()) {
            throw new IllegalArgumentException("split of " + bytes + " bytes off a chunk of " + chunk.size());
        }
        return pipe.split(chunk, bytes);
    }

    /** Drops the chunk's bytes: only for faults that cut the stream anyway. */
    public void discard(Chunk chunk) {
        pipe.discard(chunk);
    }

    /** A timer whose action runs on the loop; cancelled when the stage is removed or the connection closes. */
    public StageTimer newTimer(Runnable action) {
        StageTimer timer = new StageTimer(loop, () -> {
            if (!removed && !pipe.isClosed()) {
                guarded(action);
            }
        });
        if (timers == null) {
            timers = new ArrayList<>(2);
        }
        timers.add(timer);
        return timer;
    }

    /** The loop's clock, {@link System#nanoTime()}. */
    public long nanoTime() {
        return loop.nanoTime();
    }

    /** When the connection was accepted, in {@link System#nanoTime()} time. */
    public long connectionOpenedNanos() {
        return entry.connection().openedNanos();
    }

    /** This stage's own random generator, split from the connection's, which is split from the proxy's seed. */
    public SplittableRandom random() {
        return random;
    }

    /** Stops reading from this direction's source until {@link #resumeSource} or the stage's removal. */
    public void pauseSource() {
        if (!pausingSource) {
            pausingSource = true;
            pipe.stagePause(true);
        }
    }

    public void resumeSource() {
        if (pausingSource) {
            pausingSource = false;
            pipe.stagePause(false);
        }
    }

    /** Ends this direction after what was forwarded so far (a FIN), then closes the connection. */
    public void endStream() {
        pauseSource();
        Chunk end = pipe.newEnd();
        end.closesConnection = true;
        forward(end);
    }

    /**
     * Closes both sides now, as a peer closing gracefully would (a server's lifetime limit): a FIN, or an RST to a
     * side for which bytes were in flight (held, or unread in the proxy's socket) and are now lost.
     */
    public void close(String reason) {
        entry.connection().closeBy(reason, false);
    }

    /**
     * Cuts the connection now, as a blackhole's timeout does: each stream its sender had not ended gets an RST,
     * so no side takes what it got for a complete stream.
     */
    public void cut(String reason) {
        entry.connection().cut(reason);
    }

    /** Aborts both sides with an RST now. */
    public void reset(String reason) {
        entry.connection().closeBy(reason, true);
    }

    /**
     * Delays contacting the upstream by {@code nanos} from accept. Only a new connection can be delayed (in
     * {@link Stage#onStart}); returns whether this one was.
     */
    public boolean delayConnect(long nanos) {
        return entry.connection().delayConnect(nanos);
    }

    /** Drops the new connection before the upstream is contacted; ignored once it is connected. */
    public void drop(DropMode mode) {
        entry.connection().drop(mode, entry.fault());
    }

    /** Reports that the fault did something: logged, counted and told to listeners. */
    public void injected(String detail) {
        entry.connection().faultInjected(entry.fault(), detail);
    }

    /** Counts bytes a fault changed (corruption). */
    public void bytesChanged(int count) {
        entry.connection().counters().bytesCorrupted(count);
    }

    /** The fault this stage applies. */
    public Fault fault() {
        return entry.fault();
    }

    boolean isRemoved() {
        return removed;
    }

    /**
     * Runs the stage's code; whatever it throws resets the connection: a chunk it took may be lost, and a reset
     * is the only honest way to tell both sides.
     */
    void guarded(Runnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            entry.connection().stageFailed(entry.fault(), t);
        }
    }

    private void releaseDue() {
        long now = loop.nanoTime();
        Chunk first;
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
    ArrayDeque<Chunk> detach() {
        removed = true;
        if (delayTimer != null) {
            loop.cancel(delayTimer);
        }
        if (timers != null) {
            for (StageTimer timer : timers) {
                timer.cancel();
            }
        }
        resumeSource();
        ArrayDeque<Chunk> leftovers = new ArrayDeque<>();
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
