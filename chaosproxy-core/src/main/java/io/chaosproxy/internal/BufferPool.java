package io.chaosproxy.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The chunks of one loop. Loop thread only, so no locks. Buffers are direct (sockets read into them without
 * a copy) and made on first need, so an idle proxy or connection holds none.
 */
final class BufferPool {
    private final int chunkSize;
    private final int maxRetained;
    private final ArrayDeque<Chunk> free = new ArrayDeque<>();

    BufferPool(int chunkSize, int maxRetained) {
        this.chunkSize = chunkSize;
        this.maxRetained = maxRetained;
    }

    Chunk acquire() {
        Chunk chunk = free.pollFirst();
        if (chunk == null) {
            chunk = new Chunk(DirectBuffers.take(chunkSize));
        }
        chunk.data.clear();
        chunk.end = false;
        chunk.closesConnection = false;
        return chunk;
    }

    void release(Chunk chunk) {
        if (free.size() < maxRetained) {
            free.addFirst(chunk);   // LIFO: the warmest buffer goes out next
        }
    }

    /** Hands every free buffer to {@link DirectBuffers} for later loops; the loop is closing. */
    void recycleFree() {
        Chunk chunk;
        while ((chunk = free.pollFirst()) != null) {
            DirectBuffers.give(chunk.data);
        }
    }

    int chunkSize() {
        return chunkSize;
    }

    int retained() {
        return free.size();
    }
}
