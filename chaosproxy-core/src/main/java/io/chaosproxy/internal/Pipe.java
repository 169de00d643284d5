package io.chaosproxy.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.SplittableRandom;

/**
 * One direction of a connection: bytes read from {@code source} pass through a chain of fault stages and are
 * written to the sink.
 * <pre>
 *   source -> [stage] -> ... -> [stage] -> outbound -> sink
 * </pre>
 * With no stage acting on data and nothing pending the pipe takes the fast path: it reads into the loop's scratch
 * buffer and writes straight to the sink, keeping (in a pooled chunk) only what the sink could not take.
 * Backpressure: above the high-water mark of pinned memory (the capacity of every buffer the pipe holds, not the
 * bytes in them) it stops reading from the source; at or below the low-water mark it reads again, so a slow reader
 * never makes the proxy's memory grow. Small reads are moved into buffers that fit them, and small pieces waiting
 * for a blocked sink are merged ({@link Outbound}), so a stream of tiny messages cannot pin a large buffer each.
 * Stages that cut chunks into pieces or add bytes take memory without reading, within their {@link SplitRoom}.
 * One direction of one connection therefore pins at most the high-water mark plus 128 KiB per stage plus two
 * chunks (256 KiB with one fault). Loop thread only.
 */
final class Pipe {
    private static final int MAX_READS_PER_TURN = 16;   // then let the loop's other channels have a turn

    private final PipeOwner owner;
    private final Endpoint source;
    private final EventLoop loop;
    private final BufferPool pool;
    private final RouteCounters counters;
    private final long highWater;
    private final long lowWater;
    private final StageChain stages = new StageChain();
    private final Outbound outbound;
    private SplitRoom splitRoom;   // made when a stage first asks for room to split
    private long pinned;           // capacity of the buffers this pipe holds: what backpressure and the metric count
    private long heldData;         // bytes read from the source and not yet written to the sink (or discarded)
    private boolean started;
    private boolean backpressured;
    private int stagePauses;
    private boolean sourceEnded;
    private boolean discarded;     // the connection closed: nothing is counted any more

    Pipe(PipeOwner owner, EventLoop loop, RouteCounters counters, Endpoint source, Endpoint sink,
            boolean upstreamBound, EngineSettings settings) {
        this.owner = owner;
        this.source = source;
        this.loop = loop;
        this.pool = loop.buffers();
        this.counters = counters;
        this.highWater = settings.highWaterMark();
        this.lowWater = settings.lowWaterMark();
        this.outbound = new Outbound(this, owner, sink, pool, counters, upstreamBound);
    }

    // ---- the chain ----

    /** Adds a stage for {@code entry} right behind {@code after}, or at the head of the chain when it is null. */
    StageLink insertAfter(FaultEntry entry, StageLink after, SplittableRandom random) {
        StageLink link = new StageLink(this, entry, loop, random);
        link.create();
        stages.insertAfter(after, link);
        return link;
    }

    /** The last stage of the chain; null when there is none. */
    StageLink tail() {
        return stages.tail();
    }

    /** Takes the stage out of the chain; what it held moves on to the stage behind it, in order. */
    void remove(StageLink link) {
        link.guarded(link.stage::onRemove);
        if (splitRoom != null) {
            splitRoom.forget(link);
        }
        ArrayDeque<PooledChunk> leftovers = link.detach();
        stages.unlink(link);
        PooledChunk chunk;
        while ((chunk = leftovers.pollFirst()) != null) {
            deliverTo(link.next, chunk);
        }
        resumeIfDrained();
    }

    // ---- reading ----

    void start() {
        started = true;
        ByteBuffer early = source.takeEarly();
        if (early != null) {
            forwardEarly(early);
        }
        updateReadInterest();
    }

    /** Passes on, as if just read, what the source sent before its socket joined this connection (a greeting). */
    private void forwardEarly(ByteBuffer early) {
        while (early.hasRemaining() && !owner.isClosed()) {
            PooledChunk chunk = pool.acquireFor(early.remaining());
            int limit = early.limit();
            early.limit(early.position() + Math.min(early.remaining(), chunk.data.capacity()));
            chunk.data.put(early).flip();
            early.limit(limit);
            chunk.arrivedNanos = loop.nanoTime();
            addPinned(chunk.pinnedBytes());
            addData(chunk.size());
            deliverTo(stages.head(), chunk);
        }
    }

    void onReadable() {
        if (!stages.actsOnData() && outbound.isEmpty()) {
            readStraightThrough();
        } else {
            readIntoChunks();
        }
    }

    void onWritable() {
        outbound.flush();
    }

    private void readStraightThrough() {
        ByteBuffer buffer = loop.scratch();
        // Never read more than the high-water mark: what the sink cannot take stays held, and must fit under it.
        int readSize = (int) Math.min(buffer.capacity(), highWater);
        for (int i = 0; i < MAX_READS_PER_TURN; i++) {
            buffer.clear().limit(readSize);
            int read;
            try {
                read = source.channel.read(buffer);
            } catch (IOException e) {
                owner.ioFailed(source, e);
                return;
            }
            if (read <= 0) {
                if (read < 0) {
                    onSourceEnd();
                }
                return;
            }
            buffer.flip();
            if (!outbound.writeStraight(buffer)) {
                return;
            }
            if (buffer.hasRemaining()) {
                outbound.keep(buffer);   // the sink is full: the rest waits until it can take more
                backpressured = true;
                updateReadInterest();
                return;
            }
            if (read < readSize) {
                return;   // the source is most likely drained; do not pay for a read that returns 0
            }
        }
    }

    private void readIntoChunks() {
        for (int i = 0; i < MAX_READS_PER_TURN && !owner.isClosed() && isReading(); i++) {
            if (pinned >= highWater) {
                backpressured = true;
                updateReadInterest();
                return;
            }
            PooledChunk chunk = pool.acquire();
            int room = (int) Math.min(chunk.data.capacity(), highWater - pinned);
            chunk.data.limit(room);
            int read;
            try {
                read = source.channel.read(chunk.data);
            } catch (IOException e) {
                pool.release(chunk);
                owner.ioFailed(source, e);
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
            chunk = pool.compact(chunk);   // a 16-byte read must not pin a whole chunk while a fault holds it
            chunk.arrivedNanos = loop.nanoTime();
            addPinned(chunk.pinnedBytes());
            addData(read);
            deliverTo(stages.head(), chunk);
            if (read < room) {
                return;
            }
        }
    }

    private void onSourceEnd() {
        sourceEnded = true;
        updateReadInterest();
        PooledChunk end = newEnd();
        deliverTo(stages.head(), end);
    }

    /** Hands the chunk to {@code stage}, or to the sink when {@code stage} is null. */
    void deliverTo(StageLink stage, PooledChunk chunk) {
        if (owner.isClosed()) {
            pool.release(chunk);   // discardAll() has already written off every byte the pipe held
        } else if (stage != null) {
            try {
                stage.stage.onChunk(chunk);
            } catch (Throwable t) {
                owner.stageFailed(stage.fault(), t);   // the chunk may be lost: the connection is reset
            }
        } else {
            outbound.add(chunk);
        }
    }

    // ---- chunks the stages make, counted as this pipe's ----

    /** A new end-of-stream chunk. */
    PooledChunk newEnd() {
        PooledChunk end = pool.acquireEnd();
        end.arrivedNanos = loop.nanoTime();
        addPinned(end.pinnedBytes());
        return end;
    }

    /**
     * The chunk, or its bytes moved into a buffer that fits them when its own is four times too big (the last
     * few bytes of a sliced chunk): a stage about to hold a chunk for long should not pin a whole buffer for it.
     */
    PooledChunk compact(PooledChunk chunk) {
        PooledChunk fitted = pool.compact(chunk);
        if (fitted != chunk) {
            addPinned(fitted.pinnedBytes() - chunk.pinnedBytes());
        }
        return fitted;
    }

    /** Cuts the first {@code bytes} bytes off {@code chunk} into a new chunk. */
    PooledChunk split(PooledChunk chunk, int bytes) {
        PooledChunk head = pool.acquireFor(bytes);
        ByteBuffer source = chunk.data;
        int limit = source.limit();
        source.limit(source.position() + bytes);
        head.data.put(source).flip();
        source.limit(limit);
        head.arrivedNanos = chunk.arrivedNanos;
        addPinned(head.pinnedBytes());
        return head;
    }

    /**
     * A new chunk holding a copy of {@code bytes}, arrived now: bytes a stage adds to the stream. They count as
     * read, so that writing them (or discarding them) balances.
     */
    PooledChunk newChunk(ByteBuffer bytes) {
        PooledChunk chunk = pool.acquireFor(bytes.remaining());
        chunk.data.put(bytes.duplicate()).flip();
        chunk.arrivedNanos = loop.nanoTime();
        addPinned(chunk.pinnedBytes());
        addData(chunk.size());
        return chunk;
    }

    void discard(PooledChunk chunk) {
        addData(-chunk.size());   // nothing once the connection closed: discardAll() wrote everything off
        addPinned(-chunk.pinnedBytes());
        pool.release(chunk);
        // Drops may be all that drains a pipe that stopped reading (a delay filled it, packet loss throws it
        // away): nothing reaches the sink then, so Outbound.flush never asks, and reading must resume here.
        resumeIfDrained();
    }

    // ---- memory and backpressure ----

    /** Whether {@code link} may cut a piece (new memory) now; see {@link SplitRoom}. */
    boolean hasRoomToSplit(StageLink link) {
        return splitRoom().has(link, pinned);
    }

    /** Resumes {@code link} (its {@link StageLink#whenRoomToSplit} action) once the pipe has drained. */
    void waitForRoom(StageLink link) {
        splitRoom().waitFor(link);
    }

    private SplitRoom splitRoom() {
        if (splitRoom == null) {
            splitRoom = new SplitRoom(stages, loop, highWater, pool.chunkSize());
        }
        return splitRoom;
    }

    void stagePause(boolean pause) {
        stagePauses += pause ? 1 : -1;
        updateReadInterest();
    }

    void resumeIfDrained() {
        if (backpressured && pinned <= lowWater) {
            backpressured = false;
            updateReadInterest();
        }
    }

    private boolean isReading() {
        return started && !backpressured && stagePauses == 0 && !sourceEnded;
    }

    private void updateReadInterest() {
        if (!owner.isClosed()) {
            source.want(SelectionKey.OP_READ, isReading());
        }
    }

    void addPinned(long delta) {
        if (discarded) {
            return;   // a stage may still make a chunk (an end, a piece) as its connection closes: not counted
        }
        pinned += delta;
        counters.buffered(delta, pinned);
        if (delta < 0 && splitRoom != null) {
            splitRoom.freed(pinned);
        }
    }

    void addData(long delta) {
        if (!discarded) {
            heldData += delta;
        }
    }

    // ---- the end ----

    /** Gives back every chunk this pipe holds; its connection is closing. */
    void discardAll() {
        for (StageLink link = stages.head(); link != null; link = link.next) {
            for (PooledChunk chunk : link.detach()) {
                pool.release(chunk);
            }
        }
        outbound.releaseAll();
        addPinned(-pinned);
        heldData = 0;
        discarded = true;
    }

    /** Whether the pipe holds bytes it read and has not written: closing now would lose them. */
    boolean holdsData() {
        return heldData > 0;
    }

    /** Whether bytes wait unread in the source's socket, so that a close loses them too; see Endpoint. */
    boolean sourceHasUnreadBytes() {
        return !sourceEnded && source.hasUnreadBytes(loop.scratch());
    }

    boolean isFinished() {
        return outbound.isFinished();
    }

    /** Whether the source ended the stream and every byte of it was written: only its FIN is still to come. */
    boolean deliveredWholeStream() {
        return outbound.isFinished() || (sourceEnded && heldData == 0);
    }

    boolean isClosed() {
        return owner.isClosed();
    }

    long forwarded() {
        return outbound.forwarded();
    }
}
