package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.FaultTypes;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import io.chaosproxy.spi.StageTimer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * One stage on one direction of a {@link FakeConnection}, with a manual clock, for unit tests without sockets or
 * sleeping (Netty's {@code EmbeddedChannel} idea). Feed it chunks ({@link #receive}), move the clock
 * ({@link #advance}: timers and delayed chunks run when due, in deadline order), and look at what left, when, and
 * what the stage did to the connection. It keeps the engine's promises ({@code internal/StageLink}): a chunk
 * forwarded at a time never leaves before one forwarded ahead of it, {@code forward} waits behind delayed chunks,
 * and a removed stage's delayed then held chunks leave at once, in order. It is stricter in one way: passing on a
 * chunk the stage no longer owns throws. Uses only the public SPI, so it works for a fault of your own too.
 */
final class StageHarness extends FakeConnection implements StageContext {

    /** A chunk that left the stage: when (since start), when it had arrived, its bytes or the end. */
    record Departure(long atNanos, long arrivedNanos, ByteBuffer bytes, boolean isEnd) {
        int size() {
            return bytes.remaining();
        }

        long waitedNanos() {
            return atNanos - arrivedNanos;
        }
    }

    private final StageTimer delayTimer;
    private final ArrayDeque<HeapChunk> delayed = new ArrayDeque<>();
    private final ArrayDeque<HeapChunk> held = new ArrayDeque<>();
    private final List<Departure> departures = new ArrayList<>();
    private long lastDueNanos;
    private Stage stage;
    private long splitsLeft = Long.MAX_VALUE;
    private int splitsWithoutRoom;
    private Runnable whenRoom;
    private boolean sourcePaused;
    private long lostBytes;
    private long discardedBytes;
    private int bytesChanged;
    private long addedBytes;

    StageHarness(long seed) {
        this(seed, DEFAULT_START_NANOS);
    }

    /** A harness whose clock starts at {@code startNanos} (near {@code Long.MAX_VALUE} to test the wrap). */
    StageHarness(long seed, long startNanos) {
        super(seed, startNanos);
        this.delayTimer = clock.newTimer(this::releaseDue);
    }

    /** Makes the data fault's stage, through its registered type, and starts it. */
    Stage start(Fault fault) {
        return start(context -> FaultTypes.of(fault).newStage(fault, context));
    }

    /** Makes a stage on this context (one written for the test, say) and starts it. */
    Stage start(Function<StageContext, Stage> newStage) {
        claimStage();
        lastDueNanos = nanoTime();
        stage = newStage.apply(this);
        stage.onStart();
        return stage;
    }

    /** A copy of {@code bytes} arrives from the source now. Ignored once the connection is closed. */
    void receive(byte[] bytes) {
        receive(ByteBuffer.wrap(bytes.clone()));
    }

    /** The bytes between position and limit arrive now, without a copy: the stage may change them. */
    void receive(ByteBuffer bytes) {
        deliver(HeapChunk.of(bytes.slice(), nanoTime()));
    }

    /** The source ends the stream now. */
    void receiveEnd() {
        deliver(HeapChunk.end(nanoTime(), null));
    }

    /** Removes the fault: the stage hears of it, then its timers stop and what it delayed or held leaves, in order. */
    @Override
    void remove() {
        if (stage == null) {
            super.remove();   // a connection fault
            return;
        }
        stage.onRemove();
        removed = true;
        whenRoom = null;
        clock.cancelAll();
        sourcePaused = false;
        List<HeapChunk> leftovers = new ArrayList<>(delayed);   // forwarded already, so ahead of the held ones
        leftovers.addAll(held);
        delayed.clear();
        held.clear();
        leftovers.forEach(this::depart);
    }

    /**
     * Lets the stage split or make a new chunk {@code splits} more times from now on ({@link #hasRoomToSplit});
     * unlimited at first.
     */
    void splitBudget(long splits) {
        splitsLeft = splits;
    }

    /** The pipe drained: {@code splits} more splits; a stage waiting for room ({@link #whenRoomToSplit}) resumes. */
    void giveRoomToSplit(long splits) {
        splitsLeft += splits;
        Runnable action = whenRoom;
        whenRoom = null;
        if (action != null && hasRoomToSplit() && !removed && closure() == null) {
            action.run();
        }
    }

    List<Departure> departures() {
        return Collections.unmodifiableList(departures);
    }

    /** The data that left (ends left out), in order. */
    List<Departure> dataDepartures() {
        return departures.stream().filter(d -> !d.isEnd()).toList();
    }

    /** Every byte that left, in order. */
    byte[] forwardedBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Departure departure : departures) {
            ByteBuffer bytes = departure.bytes().duplicate();
            byte[] copy = new byte[bytes.remaining()];
            bytes.get(copy);
            out.writeBytes(copy);
        }
        return out.toByteArray();
    }

    long forwardedByteCount() {
        return departures.stream().mapToLong(Departure::size).sum();
    }

    boolean endForwarded() {
        return departures.stream().anyMatch(Departure::isEnd);
    }

    long heldBytes() {
        return held.stream().mapToLong(HeapChunk::size).sum();
    }

    boolean sourcePaused() {
        return sourcePaused;
    }

    /** Bytes the stage delayed or held when the connection closed, or forwarded after: lost with it. */
    long lostBytes() {
        return lostBytes;
    }

    long discardedBytes() {
        return discardedBytes;
    }

    int bytesChangedCount() {
        return bytesChanged;
    }

    /** Bytes the stage added to the stream ({@link #newChunk}). */
    long addedBytes() {
        return addedBytes;
    }

    /** Splits and new chunks made while {@link #hasRoomToSplit} said no. */
    int splitsWithoutRoom() {
        return splitsWithoutRoom;
    }

    boolean waitsForRoomToSplit() {
        return whenRoom != null;
    }

    @Override
    public void forward(Chunk chunk) {
        HeapChunk own = take(chunk);
        if (!removed && !delayed.isEmpty()) {
            queue(lastDueNanos, own);
        } else {
            depart(own);
        }
    }

    @Override
    public void forwardAt(long dueNanos, Chunk chunk) {
        HeapChunk own = take(chunk);
        if (removed) {
            depart(own);
        } else {
            queue(dueNanos, own);
        }
    }

    private void queue(long dueNanos, HeapChunk chunk) {
        if (dueNanos - lastDueNanos < 0) {
            dueNanos = lastDueNanos;   // never ahead of a chunk forwarded before it
        }
        lastDueNanos = dueNanos;
        boolean nothingWaiting = delayed.isEmpty();
        if (nothingWaiting && dueNanos - nanoTime() <= 0) {
            depart(chunk);
            return;
        }
        chunk.place = HeapChunk.Place.DELAYED;
        chunk.dueNanos = dueNanos;
        delayed.addLast(chunk);
        if (nothingWaiting) {
            delayTimer.armAt(dueNanos);
        }
    }

    @Override
    public void hold(Chunk chunk) {
        HeapChunk own = take(chunk);
        if (removed) {
            depart(own);
        } else {
            own.place = HeapChunk.Place.HELD;
            held.addLast(own);
        }
    }

    @Override
    public Chunk peekHeld() {
        return held.peekFirst();
    }

    @Override
    public Chunk pollHeld() {
        HeapChunk chunk = held.pollFirst();
        if (chunk != null) {
            chunk.place = HeapChunk.Place.STAGE;
        }
        return chunk;
    }

    @Override
    public Chunk split(Chunk chunk, int bytes) {
        HeapChunk own = owned(chunk);
        if (own.place != HeapChunk.Place.STAGE && own.place != HeapChunk.Place.HELD) {
            throw new IllegalStateException("split of " + own + ": the stage no longer has it");
        }
        if (bytes <= 0 || bytes > chunk.size()) {
            throw new IllegalArgumentException("split of " + bytes + " bytes off a chunk of " + chunk.size());
        }
        if (!hasRoomToSplit()) {
            splitsWithoutRoom++;
        }
        splitsLeft--;
        return own.cutHead(bytes);
    }

    @Override
    public Chunk newChunk(ByteBuffer bytes) {
        int size = bytes.remaining();
        if (size <= 0 || size > Chunk.MAX_SIZE) {
            throw new IllegalArgumentException("new chunk of " + size + " bytes; 1.." + Chunk.MAX_SIZE + " allowed");
        }
        if (!hasRoomToSplit()) {
            splitsWithoutRoom++;
        }
        splitsLeft--;
        addedBytes += size;
        return HeapChunk.of(ByteBuffer.allocate(size).put(bytes.duplicate()).flip(), nanoTime());
    }

    @Override
    public boolean hasRoomToSplit() {
        return splitsLeft > 0;
    }

    @Override
    public void whenRoomToSplit(Runnable action) {
        whenRoom = action;
    }

    @Override
    public void discard(Chunk chunk) {
        discardedBytes += take(chunk).size();
    }

    @Override
    public void pauseSource() {
        sourcePaused = true;
    }

    @Override
    public void resumeSource() {
        sourcePaused = false;
    }

    @Override
    public void endStreamThenClose(String reason) {
        pauseSource();
        forward(HeapChunk.end(nanoTime(), reason));
    }

    @Override
    public void cut(String reason) {
        closeConnection(Closure.Kind.CUT, reason);
    }

    @Override
    public void bytesChanged(int count) {
        bytesChanged += count;
    }

    @Override
    void onClosed() {
        lostBytes += delayed.stream().mapToLong(HeapChunk::size).sum() + heldBytes();
        delayed.clear();
        held.clear();
        whenRoom = null;
    }

    private void deliver(HeapChunk chunk) {
        if (stage == null) {
            throw new IllegalStateException("no data stage: call start(fault) first");
        }
        if (closure() != null) {
            return;   // a closed connection reads nothing more
        }
        if (removed) {
            depart(chunk);
        } else {
            stage.onChunk(chunk);
        }
    }

    private void depart(HeapChunk chunk) {
        chunk.place = HeapChunk.Place.GONE;
        if (closure() != null) {
            lostBytes += chunk.size();
            return;
        }
        ByteBuffer bytes = chunk.isEnd() ? ByteBuffer.allocate(0) : chunk.data().slice().asReadOnlyBuffer();
        departures.add(new Departure(elapsedNanos(), chunk.arrivedNanos() - connectionOpenedNanos(), bytes,
                chunk.isEnd()));
        if (chunk.isEnd() && chunk.closeReason != null) {
            closeConnection(Closure.Kind.END_THEN_CLOSE, chunk.closeReason);
        }
    }

    private void releaseDue() {
        HeapChunk first;
        while ((first = delayed.peekFirst()) != null && first.dueNanos - nanoTime() <= 0) {
            delayed.pollFirst();
            depart(first);
            if (closure() != null || removed) {
                return;
            }
        }
        if (first != null) {
            delayTimer.armAt(first.dueNanos);
        }
    }

    private static HeapChunk take(Chunk chunk) {
        HeapChunk own = owned(chunk);
        if (own.place != HeapChunk.Place.STAGE) {
            throw new IllegalStateException("the stage passed on " + own + ", which it no longer owns");
        }
        own.place = HeapChunk.Place.GONE;
        return own;
    }

    private static HeapChunk owned(Chunk chunk) {
        if (chunk instanceof HeapChunk own) {
            return own;
        }
        throw new IllegalArgumentException(chunk + " is no chunk of this harness; a stage only passes on chunks"
                + " it was given, split off or made");
    }
}
