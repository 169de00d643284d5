package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import java.nio.ByteBuffer;

/**
 * {@link StageHarness}'s {@link Chunk}: bytes in a heap buffer, or the end of the stream. It knows where it is, so
 * the harness can refuse a stage that passes on a chunk it no longer owns (a bug the engine would not forgive:
 * its chunks are pooled).
 */
final class HeapChunk implements Chunk {
    private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);

    /** Where the chunk is: with the stage, held or delayed by the context, or gone (forwarded or discarded). */
    enum Place { STAGE, HELD, DELAYED, GONE }

    private final ByteBuffer data;
    private final long arrivedNanos;
    private final boolean end;
    final String closeReason;   // an end from endStreamThenClose: the connection closes once it has left
    Place place = Place.STAGE;
    long dueNanos;

    private HeapChunk(ByteBuffer data, long arrivedNanos, boolean end, String closeReason) {
        this.data = data;
        this.arrivedNanos = arrivedNanos;
        this.end = end;
        this.closeReason = closeReason;
    }

    static HeapChunk of(ByteBuffer data, long arrivedNanos) {
        return new HeapChunk(data, arrivedNanos, false, null);
    }

    static HeapChunk end(long arrivedNanos, String closeReason) {
        return new HeapChunk(NO_BYTES.duplicate(), arrivedNanos, true, closeReason);
    }

    /** The first {@code bytes} bytes, as a chunk of their own; this one keeps the rest. */
    HeapChunk cutHead(int bytes) {
        ByteBuffer head = data.slice(data.position(), bytes);
        data.position(data.position() + bytes);
        return new HeapChunk(head, arrivedNanos, false, null);
    }

    @Override
    public ByteBuffer data() {
        return data;
    }

    @Override
    public int size() {
        return end ? 0 : data.remaining();
    }

    @Override
    public long arrivedNanos() {
        return arrivedNanos;
    }

    @Override
    public boolean isEnd() {
        return end;
    }

    @Override
    public String toString() {
        return end ? "HeapChunk{end}" : "HeapChunk{" + size() + " bytes, " + place + "}";
    }
}
