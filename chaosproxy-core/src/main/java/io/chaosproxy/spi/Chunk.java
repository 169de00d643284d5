package io.chaosproxy.spi;

import java.nio.ByteBuffer;

/**
 * Bytes read from a source in one read, on their way through a direction's stages to its sink; or, when
 * {@link #isEnd()}, the end of the stream (the source's FIN), which travels the same way, so that no stage lets
 * an end overtake the data in front of it. A stage that takes a chunk owns it until it forwards, holds or
 * discards it through its {@link StageContext}; it may change the bytes between position and limit in place.
 */
public interface Chunk {

    /** The most bytes one chunk carries: 64 KiB, what the proxy reads at once. */
    int MAX_SIZE = 64 * 1024;

    /** The bytes still to be forwarded, between position and limit. */
    ByteBuffer data();

    /** How many bytes the chunk still carries; 0 for the end of the stream. */
    int size();

    /** When the chunk was read from its source, in the context's {@link StageContext#nanoTime()} time. */
    long arrivedNanos();

    /** Whether this chunk marks the end of the stream rather than carrying bytes. */
    boolean isEnd();
}
