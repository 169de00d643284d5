package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.ConnectionContext;
import io.chaosproxy.spi.ConnectionStage;
import io.chaosproxy.spi.FaultTypes;
import io.chaosproxy.spi.Refusal;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import io.chaosproxy.spi.StageTimer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One stage on a fake connection with a manual clock, for unit tests without sockets or sleeping (Netty's
 * {@code EmbeddedChannel} idea). Feed it chunks ({@link #receive}), move the clock ({@link #advance}: timers and
 * delayed chunks run when due, in deadline order), and look at what left, when, and what the stage did to the
 * connection. It keeps the engine's promises ({@code internal/StageLink}): a chunk forwarded at a time never
 * leaves before one forwarded ahead of it, {@code forward} waits behind delayed chunks, and a removed stage's
 * delayed then held chunks leave at once, in order. It is stricter in one way: passing on a chunk the stage no
 * longer owns throws. What a stage throws reaches the test (the engine would reset the connection).
 *
 * <p>Uses only the public SPI, so it works for a fault of your own too. Times it reports are nanoseconds since
 * the harness was made, which is when the connection was accepted.
 */
final class StageHarness implements StageContext, ConnectionContext {
    /** Where the clock starts: any value, as with {@link System#nanoTime()}; stages must only subtract. */
    static final long DEFAULT_START_NANOS = 7_000_000_000_000L;
    private static final int MAX_FIRINGS_AT_ONE_INSTANT = 1_000_000;

    /** A chunk that left the stage: when (since start), when it had arrived, its bytes or the end. */
    record Departure(long atNanos, long arrivedNanos, ByteBuffer bytes, boolean isEnd) {
        int size() {
            return bytes.remaining();
        }

        long waitedNanos() {
            return atNanos - arrivedNanos;
        }
    }

    /** Something the fault reported through {@code injected}, and when. */
    record Report(long atNanos, String detail) {
    }

    /** How the connection ended: the stage closed, cut or reset it, or its end-then-close end left. */
    record Closure(Kind kind, String reason, long atNanos) {
        enum Kind { CLOSE, CUT, RESET, END_THEN_CLOSE }
    }

    private final long startNanos;
    private final SplittableRandom random;
    private final List<FakeTimer> timers = new ArrayList<>();
    private final FakeTimer delayTimer = new FakeTimer(this::releaseDue);
    private final ArrayDeque<HeapChunk> delayed = new ArrayDeque<>();
    private final ArrayDeque<HeapChunk> held = new ArrayDeque<>();
    private final List<Departure> departures = new ArrayList<>();
    private final List<Report> reports = new ArrayList<>();
    private long now;
    private long lastDueNanos;
    private long timerSequence;
    private Stage stage;
    private ConnectionStage connectionStage;
    private boolean removed;
    private long splitsLeft = Long.MAX_VALUE;
    private int splitsWithoutRoom;
    private Runnable whenRoom;
    private boolean sourcePaused;
    private Closure closure;
    private long lostBytes;
    private long discardedBytes;
    private int bytesChanged;
    private boolean upstreamContacted;
    private boolean hanging;
    private Refusal refusal;
    private long connectHoldNanos;

    StageHarness(long seed) {
        this(seed, DEFAULT_START_NANOS);
    }

    /** A harness whose clock starts at {@code startNanos} (near {@code Long.MAX_VALUE} to test the wrap). */
    StageHarness(long seed, long startNanos) {
        this.random = new SplittableRandom(seed);
        this.startNanos = startNanos;
        this.now = startNanos;
        this.lastDueNanos = startNanos;
    }

    // ---- driving the stage ----

    /** Makes the data fault's stage, through its registered type, and starts it. */
    Stage start(Fault fault) {
        return start(context -> FaultTypes.of(fault).newStage(fault, context));
    }

    /** Makes a stage on this context (one written for the test, say) and starts it. */
    Stage start(Function<StageContext, Stage> newStage) {
        checkNoStage();
        lastDueNanos = now;
        stage = newStage.apply(this);
        stage.onStart();
        return stage;
    }

    /** Makes the connection fault's stage, through its registered type, and starts it. */
    ConnectionStage startConnectionFault(Fault fault) {
        checkNoStage();
        connectionStage = FaultTypes.of(fault).newConnectionStage(fault, this);
        connectionStage.onStart();
        return connectionStage;
    }

    /** A copy of {@code bytes} arrives from the source now. Ignored once the connection is closed. */
    void receive(byte[] bytes) {
        receive(ByteBuffer.wrap(bytes.clone()));
    }

    /** The bytes between position and limit arrive now, without a copy: the stage may change them. */
    void receive(ByteBuffer bytes) {
        deliver(HeapChunk.of(bytes.slice(), now));
    }

    /** The source ends the stream now. */
    void receiveEnd() {
        deliver(HeapChunk.end(now, null));
    }

    /** Moves the clock on; each timer and delayed chunk due meanwhile runs at its deadline, in deadline order. */
    void advance(Duration duration) {
        advanceNanos(duration.toNanos());
    }

    void advanceNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("the clock cannot go back: " + nanos + "ns");
        }
        long target = now + nanos;
        int firedNow = 0;
        FakeTimer next;
        while ((next = nextArmed()) != null && next.deadlineNanos - target <= 0) {
            if (next.deadlineNanos - now > 0) {
                now = next.deadlineNanos;   // a timer armed in the past runs now: the clock never goes back
                firedNow = 0;
            } else if (++firedNow > MAX_FIRINGS_AT_ONE_INSTANT) {
                throw new IllegalStateException("a timer re-arms itself at the same instant forever");
            }
            next.armed = false;
            next.action.run();
        }
        now = target;
    }

    /** Runs what is due now (a timer armed in the past), as the loop's next turn would. */
    void runDue() {
        advanceNanos(0);
    }

    /** Removes the fault: the stage hears of it, then its timers stop and what it delayed or held leaves, in order. */
    void remove() {
        if (connectionStage != null) {
            connectionStage.onRemove();
        } else {
            stage.onRemove();
        }
        removed = true;
        whenRoom = null;
        timers.forEach(t -> t.armed = false);
        delayTimer.armed = false;
        sourcePaused = false;
        List<HeapChunk> leftovers = new ArrayList<>(delayed);   // forwarded already, so ahead of the held ones
        leftovers.addAll(held);
        delayed.clear();
        held.clear();
        leftovers.forEach(this::depart);
    }

    /** Lets the stage split {@code splits} more times from now on ({@link #hasRoomToSplit}); unlimited at first. */
    void splitBudget(long splits) {
        splitsLeft = splits;
    }

    /** The pipe drained: {@code splits} more splits, and a stage waiting for room ({@link #whenRoomToSplit}) goes on. */
    void giveRoomToSplit(long splits) {
        splitsLeft += splits;
        Runnable action = whenRoom;
        whenRoom = null;
        if (action != null && hasRoomToSplit() && !removed && closure == null) {
            action.run();
        }
    }

    /** The engine contacts the upstream: the connection is no longer new. */
    void contactUpstream() {
        upstreamContacted = true;
    }

    // ---- what happened ----

    long elapsedNanos() {
        return now - startNanos;
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
        for (Departure d : departures) {
            ByteBuffer bytes = d.bytes().duplicate();
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

    List<Report> reports() {
        return Collections.unmodifiableList(reports);
    }

    int heldChunks() {
        return held.size();
    }

    long heldBytes() {
        return held.stream().mapToLong(HeapChunk::size).sum();
    }

    int delayedChunks() {
        return delayed.size();
    }

    boolean sourcePaused() {
        return sourcePaused;
    }

    /** How the connection ended; null while it is open. */
    Closure closure() {
        return closure;
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

    /** Splits made while {@link #hasRoomToSplit} said no. */
    int splitsWithoutRoom() {
        return splitsWithoutRoom;
    }

    boolean waitsForRoomToSplit() {
        return whenRoom != null;
    }

    Refusal refusal() {
        return refusal;
    }

    long connectHoldNanos() {
        return connectHoldNanos;
    }

    // ---- StageContext and ConnectionContext ----

    @Override
    public void forward(Chunk chunk) {
        HeapChunk own = take(chunk);
        if (removed) {
            depart(own);
        } else if (!delayed.isEmpty()) {
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
            return;
        }
        queue(dueNanos, own);
    }

    private void queue(long dueNanos, HeapChunk chunk) {
        if (dueNanos - lastDueNanos < 0) {
            dueNanos = lastDueNanos;   // never ahead of a chunk forwarded before it
        }
        lastDueNanos = dueNanos;
        boolean nothingWaiting = delayed.isEmpty();
        if (nothingWaiting && dueNanos - now <= 0) {
            depart(chunk);
            return;
        }
        chunk.place = HeapChunk.Place.DELAYED;
        chunk.dueNanos = dueNanos;
        delayed.addLast(chunk);
        if (nothingWaiting) {
            arm(delayTimer, dueNanos);
        }
    }

    @Override
    public void hold(Chunk chunk) {
        HeapChunk own = take(chunk);
        if (removed) {
            depart(own);
            return;
        }
        own.place = HeapChunk.Place.HELD;
        held.addLast(own);
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
    public StageTimer newTimer(Runnable action) {
        FakeTimer timer = new FakeTimer(() -> {
            if (!removed && closure == null) {
                action.run();
            }
        });
        timers.add(timer);
        return timer;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public long connectionOpenedNanos() {
        return startNanos;
    }

    @Override
    public SplittableRandom random() {
        return random;
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
        forward(HeapChunk.end(now, reason));
    }

    @Override
    public void close(String reason) {
        closeConnection(Closure.Kind.CLOSE, reason);
    }

    @Override
    public void cut(String reason) {
        closeConnection(Closure.Kind.CUT, reason);
    }

    @Override
    public void reset(String reason) {
        closeConnection(Closure.Kind.RESET, reason);
    }

    @Override
    public void injected(String detail) {
        reports.add(new Report(elapsedNanos(), detail));
    }

    @Override
    public void bytesChanged(int count) {
        bytesChanged += count;
    }

    @Override
    public boolean isNew() {
        return !upstreamContacted && !hanging && closure == null;
    }

    @Override
    public boolean holdConnect(long nanos) {
        if (!isNew()) {
            return false;
        }
        connectHoldNanos = Math.max(connectHoldNanos, nanos);
        return true;
    }

    @Override
    public boolean refuse(Refusal how, String detail) {
        if (!isNew()) {
            return false;
        }
        injected(detail);
        refusal = how;
        switch (how) {
            case CLOSE -> closeConnection(Closure.Kind.CLOSE, "dropped");
            case RESET -> closeConnection(Closure.Kind.RESET, "dropped");
            case HANG -> hanging = true;
        }
        return true;
    }

    // ---- the fake loop ----

    private void deliver(HeapChunk chunk) {
        if (stage == null) {
            throw new IllegalStateException("no data stage: call start(fault) first");
        }
        if (closure != null) {
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
        if (closure != null) {
            lostBytes += chunk.size();
            return;
        }
        ByteBuffer bytes = chunk.isEnd() ? ByteBuffer.allocate(0) : chunk.data().slice().asReadOnlyBuffer();
        departures.add(new Departure(elapsedNanos(), chunk.arrivedNanos() - startNanos, bytes, chunk.isEnd()));
        if (chunk.isEnd() && chunk.closeReason != null) {
            closeConnection(Closure.Kind.END_THEN_CLOSE, chunk.closeReason);
        }
    }

    private void releaseDue() {
        HeapChunk first;
        while ((first = delayed.peekFirst()) != null && first.dueNanos - now <= 0) {
            delayed.pollFirst();
            depart(first);
            if (closure != null || removed) {
                return;
            }
        }
        if (first != null) {
            arm(delayTimer, first.dueNanos);
        }
    }

    private void closeConnection(Closure.Kind kind, String reason) {
        if (closure != null) {
            return;
        }
        closure = new Closure(kind, reason, elapsedNanos());
        for (HeapChunk chunk : delayed) {
            lostBytes += chunk.size();
        }
        for (HeapChunk chunk : held) {
            lostBytes += chunk.size();
        }
        delayed.clear();
        held.clear();
        whenRoom = null;
        timers.forEach(t -> t.armed = false);
        delayTimer.armed = false;
    }

    private HeapChunk take(Chunk chunk) {
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
                + " it was given or split off");
    }

    private void checkNoStage() {
        if (stage != null || connectionStage != null) {
            throw new IllegalStateException("one stage per harness");
        }
    }

    private void arm(FakeTimer timer, long deadlineNanos) {
        timer.deadlineNanos = deadlineNanos;
        timer.sequence = timerSequence++;
        timer.armed = true;
    }

    private FakeTimer nextArmed() {
        FakeTimer next = delayTimer.armed ? delayTimer : null;
        for (FakeTimer timer : timers) {
            if (timer.armed && (next == null || timer.comesBefore(next))) {
                next = timer;
            }
        }
        return next;
    }

    /** A timer on the manual clock; ties go to the one armed first, as on the engine's loop. */
    private final class FakeTimer implements StageTimer {
        private final Runnable action;
        long deadlineNanos;
        long sequence;
        boolean armed;

        FakeTimer(Runnable action) {
            this.action = action;
        }

        boolean comesBefore(FakeTimer other) {
            long diff = deadlineNanos - other.deadlineNanos;   // subtraction: the clock may wrap
            return diff != 0 ? diff < 0 : sequence < other.sequence;
        }

        @Override
        public void armAt(long deadlineNanos) {
            arm(this, deadlineNanos);
        }

        @Override
        public void armIn(long delayNanos) {
            arm(this, now + delayNanos);
        }

        @Override
        public boolean isArmed() {
            return armed;
        }

        @Override
        public void cancel() {
            armed = false;
        }
    }
}
