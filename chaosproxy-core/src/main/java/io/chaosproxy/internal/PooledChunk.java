package io.chaosproxy.internal;

import io.chaosproxy.spi.Chunk;
import java.nio.ByteBuffer;

/**
 * The engine's {@link Chunk}: a pooled buffer of one loop, or an end of stream. Stages see it as a {@link Chunk}
 * and hand it back through their context, which casts it back: nobody else makes chunks.
 */
final class PooledChunk implements Chunk {
    final ByteBuffer data;
    long arrivedNanos;
    long dueNanos;
    boolean end;
    String closeReason;   // an end that also closes the whole connection once written, for this reason

    PooledChunk(ByteBuffer data) {
        this.data = data;
    }

    @Override
    public ByteBuffer data() {
        return data;
    }

    @Override
    public int size() {
        return end ? 0 : data.remaining();
    }

    /** The direct memory the chunk pins while a pipe holds it: its buffer's capacity, whatever it carries. */
    int pinnedBytes() {
        return data.capacity();
    }

    @Override
    public long arrivedNanos() {
        return arrivedNanos;
    }

    @Override
    public boolean isEnd() {
        return end;
    }

    /** The engine's own chunk back from a stage. */
    static PooledChunk of(Chunk chunk) {
        return (PooledChunk) chunk;
    }
}
