package io.chaosproxy.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One direction of a connection: bytes read from {@code source} pass through the stages and are written to
 * {@code sink}.
 * <pre>
 *   source -> [stage 0] -> ... -> [stage n-1] -> outbound -> sink
 * </pre>
 * With no stage and nothing pending the pipe takes the fast path: it reads into the loop's scratch buffer
 * and writes straight to the sink, keeping (in a pooled chunk) only what the sink could not take. Backpressure:
 * above the high-water mark of held bytes it stops reading from the source; below the low-water mark it starts
 * again, so a slow reader never makes the proxy's memory grow. Loop thread only.
 */
final class Pipe {
    private static final int MAX_READS_PER_TURN = 16;   // then let the loop's other channels have a turn

    private final Connection connection;
    private final Endpoint source;
    private final Endpoint sink;
    private final boolean upstreamBound;
    private final EventLoop loop;
    private final BufferPool pool;
    private final RouteCounters counters;
    private final long highWater;
    private final long lowWater;
    private final StageContext[] contexts;
    private final Stage[] stages;
    private final ArrayDeque<Chunk> outbound = new ArrayDeque<>(4);
    private long held;             // read from the source and not yet written to the sink
    private long forwarded;
    private boolean paused;
    private boolean sourceEnded;
    private boolean finished;

    Pipe(Connection connection, Endpoint source, Endpoint sink, boolean upstreamBound, List<StageFactory> factories,
            SplittableRandom random, EngineSettings settings) {
        this.connection = connection;
        this.source = source;
        this.sink = sink;
        this.upstreamBound = upstreamBound;
        this.loop = connection.loop();
        this.pool = loop.buffers();
        this.counters = connection.counters();
        this.highWater = settings.highWaterMark();
        this.lowWater = settings.lowWaterMark();
        this.contexts = new StageContext[factories.size()];
        this.stages = new Stage[factories.size()];
        for (int i = 0; i < stages.length; i++) {
            contexts[i] = new StageContext(this, i, loop, random);
            stages[i] = factories.get(i).newStage(contexts[i]);
        }
    }

    void start() {
        source.want(SelectionKey.OP_READ, true);
    }

    void onReadable() {
        if (stages.length == 0 && outbound.isEmpty()) {
            readStraightThrough();
        } else {
            readIntoChunks();
        }
    }

    void onWritable() {
        flush();
    }

    private void readStraightThrough() {
        ByteBuffer buffer = loop.scratch();
        for (int i = 0; i < MAX_READS_PER_TURN; i++) {
            buffer.clear();
            int read;
            try {
                read = source.channel.read(buffer);
            } catch (IOException e) {
                connection.fail(source, e);
                return;
            }
            if (read <= 0) {
                if (read < 0) {
                    onSourceEnd();
                }
                return;
            }
            buffer.flip();
            int written;
            try {
                written = sink.channel.write(buffer);
            } catch (IOException e) {
                connection.fail(sink, e);
                return;
            }
            countForwarded(written);
            if (buffer.hasRemaining()) {
                // The sink is full: keep the rest and wait until it can take more.
                Chunk rest = pool.acquire();
                rest.data.put(buffer).flip();
                addHeld(rest.size());
                outbound.addLast(rest);
                sink.want(SelectionKey.OP_WRITE, true);
                pause();
                return;
            }
            if (read < buffer.capacity()) {
                return;   // the source is most likely drained; do not pay for a read that returns 0
            }
        }
    }

    private void readIntoChunks() {
        for (int i = 0; i < MAX_READS_PER_TURN && !connection.isClosed(); i++) {
            if (held >= highWater) {
                pause();
                return;
            }
            Chunk chunk = pool.acquire();
            int room = (int) Math.min(chunk.data.capacity(), highWater - held);
            chunk.data.limit(room);
            int read;
            try {
                read = source.channel.read(chunk.data);
            } catch (IOException e) {
                pool.release(chunk);
                connection.fail(source, e);
                return;
            }
            if (read <= 0) {
                pool.release(chunk);
                if (read < 0) {
                    onSourceEnd();
                }
                return;
            }
            chunk.data.flip();
            chunk.arrivedNanos = loop.nanoTime();
            addHeld(read);
            deliver(0, chunk);
            if (read < room) {
                return;
            }
        }
    }

    private void onSourceEnd() {
        sourceEnded = true;
        source.want(SelectionKey.OP_READ, false);
        Chunk end = pool.acquire();
        end.end = true;
        end.arrivedNanos = loop.nanoTime();
        deliver(0, end);
    }

    /** Hands the chunk to stage {@code index}, or to the sink when the stages are behind it. */
    void deliver(int index, Chunk chunk) {
        if (connection.isClosed()) {
            pool.release(chunk);
        } else if (index < stages.length) {
            stages[index].onChunk(chunk);
        } else {
            outbound.addLast(chunk);
            flush();
        }
    }

    private void flush() {
        Chunk chunk;
        while ((chunk = outbound.peekFirst()) != null) {
            if (chunk.end) {
                outbound.pollFirst();
                pool.release(chunk);
                finish();
                return;
            }
            int written;
            try {
                written = sink.channel.write(chunk.data);
            } catch (IOException e) {
                connection.fail(sink, e);
                return;
            }
            countForwarded(written);
            addHeld(-written);
            if (chunk.data.hasRemaining()) {
                sink.want(SelectionKey.OP_WRITE, true);
                resumeIfDrained();
                return;
            }
            outbound.pollFirst();
            pool.release(chunk);
        }
        sink.want(SelectionKey.OP_WRITE, false);
        resumeIfDrained();
    }

    /** Passes the source's EOF on as a half-close, now that every byte before it is written. */
    private void finish() {
        sink.want(SelectionKey.OP_WRITE, false);
        try {
            sink.shutdownOutput();
        } catch (IOException e) {
            connection.fail(sink, e);
            return;
        }
        finished = true;
        connection.onPipeFinished();
    }

    private void pause() {
        paused = true;
        source.want(SelectionKey.OP_READ, false);
    }

    private void resumeIfDrained() {
        if (paused && held <= lowWater && !sourceEnded) {
            paused = false;
            source.want(SelectionKey.OP_READ, true);
        }
    }

    private void addHeld(long delta) {
        held += delta;
        counters.buffered(delta, held);
    }

    private void countForwarded(int bytes) {
        forwarded += bytes;
        counters.forwarded(upstreamBound, bytes);
    }

    /** Gives back every chunk this pipe holds; its connection is closing. */
    void discard() {
        for (StageContext context : contexts) {
            context.discard(pool);
        }
        Chunk chunk;
        while ((chunk = outbound.pollFirst()) != null) {
            pool.release(chunk);
        }
        addHeld(-held);
    }

    boolean isFinished() {
        return finished;
    }

    boolean isClosed() {
        return connection.isClosed();
    }

    long forwarded() {
        return forwarded;
    }
}
