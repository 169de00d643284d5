package io.chaosproxy.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The chunks of one loop, in size classes from {@link #SMALLEST} bytes up to the chunk size, each four times the
 * one below. A pipe holding many small pieces (16-byte messages under latency, 64-byte slices) keeps each in a
 * buffer that fits it, so the memory a pipe pins stays close to the bytes it holds; pipes count what they pin by
 * {@link PooledChunk#pinnedBytes()}, the buffer's capacity. Loop thread only, so no locks. Buffers are direct (sockets
 * read into them without a copy) and made on first need, so an idle proxy or connection holds none.
 */
final class BufferPool {
    /** The smallest buffer handed out; the end-of-stream marker takes one of these. */
    static final int SMALLEST = 64;
    /** Free buffers kept per size class, in bytes; beyond it a released buffer is left to the garbage collector. */
    static final int MAX_RETAINED_BYTES_PER_CLASS = 4 << 20;

    private final int chunkSize;
    private final int[] classSizes;
    private final ArrayDeque<PooledChunk>[] free;
    private final int[] maxRetained;

    @SuppressWarnings("unchecked")
    BufferPool(int chunkSize) {
        this.chunkSize = chunkSize;
        int classes = 1;
        for (long size = SMALLEST; size < chunkSize; size *= 4) {
            classes++;
        }
        classSizes = new int[classes];
        free = new ArrayDeque[classes];
        maxRetained = new int[classes];
        for (int i = 0; i < classes; i++) {
            classSizes[i] = i == classes - 1 ? chunkSize : SMALLEST << (2 * i);
            free[i] = new ArrayDeque<>();
            maxRetained[i] = Math.max(1, MAX_RETAINED_BYTES_PER_CLASS / classSizes[i]);
        }
    }

    /** A chunk of the full chunk size, for reads. */
    PooledChunk acquire() {
        return take(classSizes.length - 1);
    }

    /** A chunk whose buffer holds at least {@code bytes} (up to the chunk size), and as little more as the classes allow. */
    PooledChunk acquireFor(int bytes) {
        return take(classFor(bytes));
    }

    /** A chunk marking the end of the stream: it carries no bytes, so it takes the smallest buffer. */
    PooledChunk acquireEnd() {
        PooledChunk chunk = take(0);
        chunk.end = true;
        return chunk;
    }

    private PooledChunk take(int sizeClass) {
        PooledChunk chunk = free[sizeClass].pollFirst();
        if (chunk == null) {
            chunk = new PooledChunk(DirectBuffers.take(classSizes[sizeClass]));
        }
        chunk.data.clear();
        chunk.end = false;
        chunk.closeReason = null;
        return chunk;
    }

    private int classFor(int bytes) {
        for (int i = 0; i < classSizes.length; i++) {
            if (bytes <= classSizes[i]) {
                return i;
            }
        }
        return classSizes.length - 1;
    }

    void release(PooledChunk chunk) {
        int sizeClass = classFor(chunk.data.capacity());
        if (classSizes[sizeClass] == chunk.data.capacity() && free[sizeClass].size() < maxRetained[sizeClass]) {
            free[sizeClass].addFirst(chunk);   // LIFO: the warmest buffer goes out next
        }
    }

    /**
     * A chunk holding the same bytes in a buffer that fits them, when the chunk's own buffer is at least four
     * times too big (a 16-byte read in a 64 KiB buffer); the chunk itself otherwise. Either way the caller owns
     * the result and the original is released if it was replaced.
     */
    PooledChunk compact(PooledChunk chunk) {
        int size = chunk.data.remaining();
        if (chunk.end || chunk.data.capacity() < 4L * Math.max(size, SMALLEST)) {
            return chunk;
        }
        PooledChunk fitted = acquireFor(size);
        fitted.data.put(chunk.data).flip();
        fitted.arrivedNanos = chunk.arrivedNanos;
        fitted.dueNanos = chunk.dueNanos;
        release(chunk);
        return fitted;
    }

    /** Hands every free buffer to {@link DirectBuffers} for later loops; the loop is closing. */
    void recycleFree() {
        for (ArrayDeque<PooledChunk> queue : free) {
            PooledChunk chunk;
            while ((chunk = queue.pollFirst()) != null) {
                DirectBuffers.give(chunk.data);
            }
        }
    }

    int chunkSize() {
        return chunkSize;
    }

}
