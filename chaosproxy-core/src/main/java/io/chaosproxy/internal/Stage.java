package io.chaosproxy.internal;

/**
 * Applies one fault to one direction of one connection. A stage receives every chunk of its direction in
 * order, including the end-of-stream chunk, and passes each on through its {@link StageContext}, now or
 * later. It runs on its connection's loop only, so it needs no locks.
 */
public interface Stage {

    /** Takes a chunk; the stage owns it until it hands it to {@link StageContext#forward} or {@code forwardAt}. */
    void onChunk(Chunk chunk);
}
