package io.chaosproxy.spi;

/**
 * Applies one data fault to one direction of one connection. A stage receives every chunk of its direction in
 * order, including the end-of-stream chunk, and passes each on through its {@link StageContext}, now or later.
 * It runs on its connection's event loop only, so it needs no locks, and it must never block.
 */
public interface Stage {

    /** The connection starts (before the upstream is contacted), or the fault was added to a live connection. */
    default void onStart() {
    }

    /**
     * Whether this stage passes every chunk on at once and unchanged (it acts by timer or at start, not on data).
     * The engine then lets data bypass it, so such faults keep the fast path. Asked once.
     */
    default boolean forwardsEveryChunkUnchanged() {
        return false;
    }

    /** Takes a chunk; the stage owns it until it forwards, holds or discards it through its context. */
    void onChunk(Chunk chunk);

    /** The fault is being removed; the context then releases every chunk it holds, in order. */
    default void onRemove() {
    }
}
