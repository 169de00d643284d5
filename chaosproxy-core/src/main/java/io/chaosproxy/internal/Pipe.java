package io.chaosproxy.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;

/**
 * One direction of a connection: bytes read from {@code source} pass through a chain of fault stages and are
 * written to {@code sink}.
 * <pre>
 *   source -> [stage] -> ... -> [stage] -> outbound -> sink
 * </pre>
 * With no stage and nothing pending the pipe takes the fast path: it reads into the loop's scratch buffer
 * and writes straight to the sink, keeping (in a pooled chunk) only what the sink could not take. Backpressure:
 * above the high-water mark of pinned memory (the capacity of every buffer the pipe holds, not the bytes in
 * them) it stops reading from the source; at or below the low-water mark it reads again, so a slow reader never
 * makes the proxy's memory grow. Small reads are moved into buffers that fit them, and small pieces waiting for
 * a blocked sink are merged, so a stream of tiny messages cannot pin a large buffer each. A stage that cuts
 * chunks into pieces (a slicer) adds memory without reading: it may do so only while the pipe pins less than
 * the high-water mark plus two chunks times its place in the chain, which is more than reading and
 * the stages before it can reach, so the last waiting stage can always go on; past it, the stage waits until the
 * pipe drains. One direction of one connection therefore pins at most the high-water mark plus 128 KiB per stage
 * plus two chunks (256 KiB with one fault). Loop thread only.
 */
final class Pipe {
    private static final int MAX_READS_PER_TURN = 16;   // then let the loop's other channels have a turn

    private final ProxiedConnection connection;
    private final Endpoint source;
    private final Endpoint sink;
    private final boolean upstreamBound;
    private final EventLoop loop;
    private final BufferPool pool;
    private final RouteCounters counters;
    private final long highWater;
    private final long lowWater;
    private final long splitHeadroom;
    private final ArrayDeque<PooledChunk> outbound = new ArrayDeque<>(0);   // grows on first use only
    private ArrayDeque<StageLink> waitingForRoom;                   // stages that may not split until a drain
    private StageLink head;
    private int dataStages;        // stages in the chain that act on data; the others are bypassed by the fast path
    private long pinned;           // capacity of the buffers this pipe holds: what backpressure and the metric count
    private long heldData;         // bytes read from the source and not yet written to the sink (or discarded)
    private volatile long forwarded;   // read by other threads through Connection.bytesUpstream()
    private boolean started;
    private boolean backpressured;
    private int stagePauses;
    private boolean sourceEnded;
    private boolean finished;
    private boolean discarded;     // the connection closed: nothing is counted any more

    Pipe(ProxiedConnection connection, Endpoint source, Endpoint sink, boolean upstreamBound, EngineSettings settings) {
        this.connection = connection;
        this.source = source;
        this.sink = sink;
        this.upstreamBound = upstreamBound;
        this.loop = connection.loop();
        this.pool = loop.buffers();
        this.counters = connection.counters();
        this.highWater = settings.highWaterMark();
        // Above the mark, what a splitting stage may still add: two chunks, more than a read overshoots; each
        // further stage of the chain may add as much again.
        this.splitHeadroom = 2L * pool.chunkSize();
        this.lowWater = settings.lowWaterMark();
    }

    /** Adds a stage for {@code entry} right behind {@code after}, or at the head of the chain when it is null. */
    StageLink insertAfter(FaultEntry entry, StageLink after, java.util.SplittableRandom random) {
        StageLink context = new StageLink(this, entry, loop, random);
        try {
            context.stage = entry.type().newStage(entry.fault(), context);
        } catch (Throwable t) {
            context.stage = context::forward;   // a placeholder for the chain; the connection is reset anyway
            connection.stageFailed(entry.fault(), t);
        }
        context.actsOnData = actsOnData(context);
        if (context.actsOnData) {
            dataStages++;
        }
        if (after != null) {
            context.next = after.next;
            after.next = context;
        } else {
            context.next = head;
            head = context;
        }
        return context;
    }

    /** Whether data must pass through the stage (no fast path); asked once, as a stage's answer must not change. */
    private boolean actsOnData(StageLink context) {
        try {
            return !context.stage.forwardsEveryChunkUnchanged();
        } catch (Throwable t) {
            connection.stageFailed(context.fault(), t);
            return true;
        }
    }

    /** The last stage of the chain; null when there is none. */
    StageLink tail() {
        StageLink tail = head;
        while (tail != null && tail.next != null) {
            tail = tail.next;
        }
        return tail;
    }

    /** Takes the stage out of the chain; what it held moves on to the stage behind it, in order. */
    void remove(StageLink context) {
        context.guarded(context.stage::onRemove);
        if (waitingForRoom != null) {
            waitingForRoom.remove(context);
        }
        if (context.actsOnData) {
            dataStages--;
        }
        ArrayDeque<PooledChunk> leftovers = context.detach();
        StageLink previous = null;
        for (StageLink c = head; c != null && c != context; c = c.next) {
            previous = c;
        }
        if (previous == null) {
            if (head == context) {
                head = context.next;
            }
        } else {
            previous.next = context.next;
        }
        PooledChunk chunk;
        while ((chunk = leftovers.pollFirst()) != null) {
            deliverTo(context.next, chunk);
        }
        resumeIfDrained();
    }

    void start() {
        started = true;
        updateReadInterest();
    }

    void onReadable() {
        if (dataStages == 0 && outbound.isEmpty()) {
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
        // Never read more than the high-water mark: what the sink cannot take stays held, and must fit under it.
        int readSize = (int) Math.min(buffer.capacity(), highWater);
        for (int i = 0; i < MAX_READS_PER_TURN; i++) {
            buffer.clear().limit(readSize);
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
                // The sink is full: keep the rest (in as many chunks as it takes) until it can take more.
                int limit = buffer.limit();
                while (buffer.hasRemaining()) {
                    PooledChunk rest = pool.acquireFor(buffer.remaining());
                    buffer.limit(Math.min(limit, buffer.position() + rest.data.capacity()));
                    rest.data.put(buffer).flip();
                    buffer.limit(limit);
                    addPinned(rest.pinnedBytes());
                    addData(rest.size());
                    outbound.addLast(rest);
                }
                sink.want(SelectionKey.OP_WRITE, true);
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
        for (int i = 0; i < MAX_READS_PER_TURN && !connection.isClosed() && isReading(); i++) {
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
            chunk = pool.compact(chunk);   // a 16-byte read must not pin a whole chunk while a fault holds it
            chunk.arrivedNanos = loop.nanoTime();
            addPinned(chunk.pinnedBytes());
            addData(read);
            deliverTo(head, chunk);
            if (read < room) {
                return;
            }
        }
    }

    private void onSourceEnd() {
        sourceEnded = true;
        updateReadInterest();
        PooledChunk end = newEnd();
        deliverTo(head, end);
    }

    /** A new end-of-stream chunk, counted as this pipe's. */
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

    /** Cuts the first {@code bytes} bytes off {@code chunk} into a new chunk, counted as this pipe's. */
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

    /** Hands the chunk to {@code stage}, or to the sink when {@code stage} is null. */
    void deliverTo(StageLink stage, PooledChunk chunk) {
        if (connection.isClosed()) {
            pool.release(chunk);   // discardAll() has already written off every byte the pipe held
        } else if (stage != null) {
            try {
                stage.stage.onChunk(chunk);
            } catch (Throwable t) {
                connection.stageFailed(stage.fault(), t);   // the chunk may be lost: the connection is reset
            }
        } else if (!mergedIntoOutbound(chunk)) {
            outbound.addLast(chunk);
            flush();
        }
    }

    /**
     * While the sink is blocked, small pieces (slices, a bandwidth fault's portions) would each pin a buffer of
     * their own: their bytes are appended to the last waiting chunk instead, or to a full-size one taken for it.
     * Once the sink is blocked the pieces' boundaries are lost on the wire anyway.
     */
    private boolean mergedIntoOutbound(PooledChunk chunk) {
        PooledChunk tail = outbound.peekLast();
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
            outbound.pollLast();
            outbound.addLast(bigger);
            addPinned(bigger.pinnedBytes() - tail.pinnedBytes());
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
        addPinned(-chunk.pinnedBytes());
        pool.release(chunk);
        return true;
    }

    void discard(PooledChunk chunk) {
        addData(-chunk.size());   // nothing once the connection closed: discardAll() wrote everything off
        addPinned(-chunk.pinnedBytes());
        pool.release(chunk);
    }

    private void flush() {
        PooledChunk chunk;
        while ((chunk = outbound.peekFirst()) != null) {
            if (chunk.end) {
                outbound.pollFirst();
                String closeReason = chunk.closeReason;
                addPinned(-chunk.pinnedBytes());
                pool.release(chunk);
                finish(closeReason);
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
            addData(-written);
            if (chunk.data.hasRemaining()) {
                sink.want(SelectionKey.OP_WRITE, true);
                resumeIfDrained();
                return;
            }
            outbound.pollFirst();
            addPinned(-chunk.pinnedBytes());
            pool.release(chunk);
        }
        sink.want(SelectionKey.OP_WRITE, false);
        resumeIfDrained();
    }

    /**
     * Passes the end of the stream on as a half-close, now that every byte before it is written; then closes the
     * connection if a stage ended the stream for that ({@code closeReason} not null).
     */
    private void finish(String closeReason) {
        sink.want(SelectionKey.OP_WRITE, false);
        try {
            sink.shutdownOutput();
        } catch (IOException e) {
            connection.fail(sink, e);
            return;
        }
        finished = true;
        if (closeReason != null) {
            connection.closeAfterDeliberateEnd(this, closeReason);
        } else {
            connection.onPipeFinished();
        }
    }

    void stagePause(boolean pause) {
        stagePauses += pause ? 1 : -1;
        updateReadInterest();
    }

    private void resumeIfDrained() {
        if (backpressured && pinned <= lowWater) {
            backpressured = false;
            updateReadInterest();
        }
    }

    private boolean isReading() {
        return started && !backpressured && stagePauses == 0 && !sourceEnded;
    }

    private void updateReadInterest() {
        if (!connection.isClosed()) {
            source.want(SelectionKey.OP_READ, isReading());
        }
    }

    private void addPinned(long delta) {
        if (discarded) {
            return;   // a stage may still make a chunk (an end, a piece) as its connection closes: not counted
        }
        pinned += delta;
        counters.buffered(delta, pinned);
        if (delta < 0 && waitingForRoom != null && !waitingForRoom.isEmpty()) {
            for (java.util.Iterator<StageLink> it = waitingForRoom.iterator(); it.hasNext(); ) {
                StageLink waiting = it.next();
                if (hasRoomToSplit(waiting)) {
                    it.remove();
                    loop.execute(waiting.resumeTask());   // later: not in the middle of whatever freed the memory
                }
            }
        }
    }

    /**
     * Whether {@code context} may cut a piece (new memory) now. Each stage further down the chain may go
     * two chunks further above the high-water mark than the one before it: a stage that cuts the
     * pieces of another (two slicers, a bandwidth behind a slicer) can then always go on while the one above it
     * waits, so the chain never stalls with all its memory in waiting stages.
     */
    boolean hasRoomToSplit(StageLink context) {
        int position = 1;
        for (StageLink c = head; c != null && c != context; c = c.next) {
            position++;
        }
        return pinned < highWater + splitHeadroom * position;
    }

    /** Resumes {@code context} (its {@link StageLink#whenRoomToSplit} action) once the pipe has drained. */
    void waitForRoom(StageLink context) {
        if (waitingForRoom == null) {
            waitingForRoom = new ArrayDeque<>(2);
        }
        if (!waitingForRoom.contains(context)) {
            waitingForRoom.addLast(context);
        }
    }

    private void addData(long delta) {
        if (!discarded) {
            heldData += delta;
        }
    }

    private void countForwarded(int bytes) {
        forwarded += bytes;
        counters.forwarded(upstreamBound, bytes);
    }

    /** Gives back every chunk this pipe holds; its connection is closing. */
    void discardAll() {
        for (StageLink context = head; context != null; context = context.next) {
            for (PooledChunk chunk : context.detach()) {
                pool.release(chunk);
            }
        }
        PooledChunk chunk;
        while ((chunk = outbound.pollFirst()) != null) {
            pool.release(chunk);
        }
        addPinned(-pinned);
        heldData = 0;
        discarded = true;
    }

    /** Whether the pipe holds bytes it read and has not written: closing now would lose them. */
    boolean holdsData() {
        return heldData > 0;
    }

    /**
     * Whether bytes wait unread in the source's socket: the kernel accepted them, so a cut loses them too. Reads
     * (and so loses) one byte to tell; only for a connection being cut.
     */
    boolean sourceHasUnreadBytes() {
        if (sourceEnded) {
            return false;
        }
        ByteBuffer probe = loop.scratch();
        probe.clear().limit(1);
        try {
            // An upstream whose connect the loop has not finished yet may have sent bytes already.
            if (!source.channel.isConnected() && !(source.channel.isConnectionPending() && source.channel.finishConnect())) {
                return false;
            }
            return source.channel.read(probe) > 0;
        } catch (IOException | RuntimeException e) {
            return false;   // the source is broken: it is reset anyway, nothing more to tell
        }
    }

    boolean isFinished() {
        return finished;
    }

    /** Whether the source ended the stream and every byte of it was written: only its FIN is still to come. */
    boolean deliveredWholeStream() {
        return finished || (sourceEnded && heldData == 0);
    }

    boolean isClosed() {
        return connection.isClosed();
    }

    long forwarded() {
        return forwarded;
    }
}
