package io.chaosproxy.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;

/**
 * The sink end of a pipe: writes to the sink, keeps in order what it cannot take yet, and passes the end of the
 * stream on as a half-close once every byte before it is written. While the sink is blocked, small pieces are
 * merged, so a stream of tiny messages cannot pin a buffer each. Counts what it wrote. Loop thread only.
 */
final class Outbound {
    private final Pipe pipe;
    private final PipeOwner owner;
    private final Endpoint sink;
    private final BufferPool pool;
    private final RouteCounters counters;
    private final boolean upstreamBound;
    private ArrayDeque<PooledChunk> queue;   // made on first use: most sinks take everything at once
    private volatile long forwarded;         // read by other threads through ChaosConnection.bytesUpstream()
    private boolean finished;

    Outbound(Pipe pipe, PipeOwner owner, Endpoint sink, BufferPool pool, RouteCounters counters,
            boolean upstreamBound) {
        this.pipe = pipe;
        this.owner = owner;
        this.sink = sink;
        this.pool = pool;
        this.counters = counters;
        this.upstreamBound = upstreamBound;
    }

    /** Whether nothing waits for the sink. */
    boolean isEmpty() {
        return queue == null || queue.isEmpty();
    }

    /**
     * The fast path: writes what the sink takes of {@code buffer} now, and leaves the rest in it. Returns false when
     * the sink failed (the connection is ending).
     */
    boolean writeStraight(ByteBuffer buffer) {
        int written;
        try {
            written = sink.channel.write(buffer);
        } catch (IOException e) {
            owner.ioFailed(sink, e);
            return false;
        }
        countForwarded(written);
        return true;
    }

    /** Keeps the rest of {@code buffer}, in as many chunks as it takes, until the sink can take more. */
    void keep(ByteBuffer buffer) {
        int limit = buffer.limit();
        while (buffer.hasRemaining()) {
            PooledChunk rest = pool.acquireFor(buffer.remaining());
            buffer.limit(Math.min(limit, buffer.position() + rest.data.capacity()));
            rest.data.put(buffer).flip();
            buffer.limit(limit);
            pipe.addPinned(rest.pinnedBytes());
            pipe.addData(rest.size());
            queue().addLast(rest);
        }
        sink.want(SelectionKey.OP_WRITE, true);
    }

    /** Queues a chunk the last stage passed on (or that no stage saw) and writes what the sink takes. */
    void add(PooledChunk chunk) {
        if (!mergedIntoLast(chunk)) {
            queue().addLast(chunk);
            flush();
        }
    }

    private ArrayDeque<PooledChunk> queue() {
        if (queue == null) {
            queue = new ArrayDeque<>(0);   // grows on first use only
        }
        return queue;
    }

    /**
     * While the sink is blocked, small pieces (slices, a bandwidth fault's portions) would each pin a buffer of
     * their own: their bytes are appended to the last waiting chunk instead, or to a full-size one taken for it.
     * Once the sink is blocked the pieces' boundaries are lost on the wire anyway.
     */
    private boolean mergedIntoLast(PooledChunk chunk) {
        PooledChunk tail = queue == null ? null : queue.peekLast();
        if (tail == null || tail.end || chunk.end || chunk.data.capacity() == pool.chunkSize()) {
            return false;
        }
        ByteBuffer into = tail.data;
        if (into.capacity() - into.limit() < chunk.size()) {
            if (tail.pinnedBytes() == pool.chunkSize()) {
                return false;   // a full-size chunk is not worth replacing; the piece queues behind it
            }
            PooledChunk bigger = pool.acquire();
            bigger.data.put(into).flip();
            bigger.arrivedNanos = tail.arrivedNanos;
            queue.pollLast();
            queue.addLast(bigger);
            pipe.addPinned(bigger.pinnedBytes() - tail.pinnedBytes());
            pool.release(tail);
            into = bigger.data;
            if (into.capacity() - into.limit() < chunk.size()) {
                return false;
            }
        }
        int position = into.position();
        int limit = into.limit();
        into.limit(into.capacity()).position(limit);
        into.put(chunk.data);
        into.limit(into.position()).position(position);
        pipe.addPinned(-chunk.pinnedBytes());
        pool.release(chunk);
        return true;
    }

    /** Writes what waits, in order, as far as the sink takes it; wants OP_WRITE while anything is left. */
    void flush() {
        PooledChunk chunk;
        while (queue != null && (chunk = queue.peekFirst()) != null) {
            if (chunk.end) {
                queue.pollFirst();
                String closeReason = chunk.closeReason;
                pipe.addPinned(-chunk.pinnedBytes());
                pool.release(chunk);
                finish(closeReason);
                return;
            }
            int written;
            try {
                written = sink.channel.write(chunk.data);
            } catch (IOException e) {
                owner.ioFailed(sink, e);
                return;
            }
            countForwarded(written);
            pipe.addData(-written);
            if (chunk.data.hasRemaining()) {
                sink.want(SelectionKey.OP_WRITE, true);
                pipe.resumeIfDrained();
                return;
            }
            queue.pollFirst();
            pipe.addPinned(-chunk.pinnedBytes());
            pool.release(chunk);
        }
        sink.want(SelectionKey.OP_WRITE, false);
        pipe.resumeIfDrained();
    }

    /**
     * Passes the end of the stream on as a half-close, now that every byte before it is written; the connection
     * closes too if a stage ended the stream for that ({@code closeReason} not null).
     */
    private void finish(String closeReason) {
        sink.want(SelectionKey.OP_WRITE, false);
        try {
            sink.shutdownOutput();
        } catch (IOException e) {
            owner.ioFailed(sink, e);
            return;
        }
        finished = true;
        owner.finished(pipe, closeReason);
    }

    private void countForwarded(int bytes) {
        forwarded += bytes;
        counters.forwarded(upstreamBound, bytes);
    }

    /** Gives back every chunk waiting; the connection is closing. */
    void releaseAll() {
        PooledChunk chunk;
        while (queue != null && (chunk = queue.pollFirst()) != null) {
            pool.release(chunk);
        }
    }

    /** Whether the end of the stream was passed on. */
    boolean isFinished() {
        return finished;
    }

    long forwarded() {
        return forwarded;
    }
}
