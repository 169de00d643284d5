package io.chaosproxy.spi;

import java.nio.ByteBuffer;

/**
 * What a {@link Stage} may do to the stream it sits in and to its connection: pass chunks on now or later, hold
 * them, split them, add new ones, pause the source, end the stream, close or reset the connection, and report
 * what it injected. The context owns every chunk it delays or holds and keeps them in order: when the stage is
 * removed they move on, in order, so no fault loses bytes it was not asked to lose. Loop thread only.
 */
public interface StageContext extends FaultContext {

    /** Passes the chunk on now, behind any chunk this stage still delays. */
    void forward(Chunk chunk);

    /**
     * Passes the chunk on at {@code dueNanos} ({@link #nanoTime()} time), or right after the chunk in front of it
     * if that one is due later: chunks never overtake each other.
     */
    void forwardAt(long dueNanos, Chunk chunk);

    /** Keeps the chunk until the stage takes it back ({@link #pollHeld}) or is removed. */
    void hold(Chunk chunk);

    /** The oldest held chunk, still held; {@code null} if none. */
    Chunk peekHeld();

    /** Takes the oldest held chunk back; {@code null} if none. */
    Chunk pollHeld();

    /**
     * Cuts the first {@code bytes} bytes off {@code chunk} into a new chunk; the original keeps the rest. Takes
     * new memory: ask {@link #hasRoomToSplit()} first.
     */
    Chunk split(Chunk chunk, int bytes);

    /**
     * A new chunk carrying a copy of {@code bytes} (from position to limit, which stay as they are), arrived now:
     * for a fault that adds bytes the source never sent. The stage owns it, as one it was given. Takes new memory:
     * ask {@link #hasRoomToSplit()} first.
     *
     * @throws IllegalArgumentException for no bytes, or more than {@link Chunk#MAX_SIZE}
     */
    Chunk newChunk(ByteBuffer bytes);

    /**
     * Whether the direction has room for {@link #split} or {@link #newChunk}. Without it, hold what is left and
     * call {@link #whenRoomToSplit}: the proxy's memory bound counts on it.
     */
    boolean hasRoomToSplit();

    /** Runs {@code action} on the loop once there is room to split again (unless the stage is gone by then). */
    void whenRoomToSplit(Runnable action);

    /**
     * Drops the chunk's bytes: for faults that cut the stream anyway, or whose point is a gap in it
     * ({@code packet_loss}).
     */
    void discard(Chunk chunk);

    /** Stops reading from this direction's source until {@link #resumeSource} or the stage's removal. */
    void pauseSource();

    /** Undoes {@link #pauseSource}. */
    void resumeSource();

    /**
     * Ends this direction after what was forwarded so far (a FIN), then closes the connection for
     * {@code reason}; the other direction, if its sender had not ended it, is cut with an RST.
     */
    void endStreamThenClose(String reason);

    /**
     * Cuts the connection now, as a blackhole's timeout does: each stream its sender had not ended gets an RST,
     * so no side takes what it got for a complete stream.
     */
    void cut(String reason);

    /** Counts bytes the fault changed or added (corruption): {@code ProxyMetrics.bytesCorrupted}. */
    void bytesChanged(int count);
}
