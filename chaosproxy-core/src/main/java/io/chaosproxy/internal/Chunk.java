package io.chaosproxy.internal;

import java.nio.ByteBuffer;

/**
 * Bytes read from a source in one read, on their way through a pipe's stages to its sink; or, when
 * {@link #isEnd()}, the end of the stream (the source's EOF), which travels the same way so that no stage lets
 * a FIN overtake the data in front of it. Chunks are pooled per loop; a stage that holds one owns it until it
 * forwards it.
 */
public final class Chunk {
    final ByteBuffer data;
    long arrivedNanos;
    long dueNanos;
    boolean end;
    boolean closesConnection;   // an end that also closes the whole connection once written (limitData)

    Chunk(ByteBuffer data) {
        this.data = data;
    }

    /** The bytes still to be forwarded, between position and limit. */
    public ByteBuffer data() {
        return data;
    }

    /** How many bytes the chunk still carries. */
    public int size() {
        return end ? 0 : data.remaining();
    }

    /** The direct memory the chunk pins while a pipe holds it: its buffer's capacity, whatever it carries. */
    int pinnedBytes() {
        return data.capacity();
    }

    /** {@code System.nanoTime()} when the chunk was read from its source. */
    public long arrivedNanos() {
        return arrivedNanos;
    }

    /** Whether this chunk marks the end of the stream rather than carrying bytes. */
    public boolean isEnd() {
        return end;
    }
}
