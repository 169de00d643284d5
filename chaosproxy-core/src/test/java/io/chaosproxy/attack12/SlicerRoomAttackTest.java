package io.chaosproxy.attack12;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.FaultTypes;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import io.chaosproxy.spi.StageTimer;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The README: per-chunk decisions (slice sizes among them) follow the sequence of chunks, so they replay exactly
 * when the traffic arrives in the same pieces. A slicer that has to wait for room in the pipe's memory bound
 * (a client reading slowly) must then cut the same slices as one that never waits: the wait is timing, not
 * traffic. Run on a context of the test's own, through the public SPI, so that room can be refused on cue.
 */
class SlicerRoomAttackTest {

    @Test
    void slicesAreTheSameWhetherOrNotTheSlicerWaitedForRoom() {
        Fault slicer = Fault.slicer(100, 90, Duration.ZERO);
        List<Integer> neverWaited = slices(slicer, Integer.MAX_VALUE);
        List<Integer> waitedEveryThirdSlice = slices(slicer, 3);
        assertThat(waitedEveryThirdSlice).isEqualTo(neverWaited);
    }

    /**
     * The sizes of the slices cut from two 5000-byte chunks, with room refused after every {@code roomEvery}
     * slices and given back at once.
     */
    private static List<Integer> slices(Fault fault, int roomEvery) {
        Context context = new Context(roomEvery);
        Stage stage = FaultTypes.of(fault).newStage(fault, context.proxy);
        stage.onStart();
        for (int i = 0; i < 2; i++) {
            stage.onChunk(new Piece(ByteBuffer.allocate(5000)));
            context.giveRoomUntilDone();
        }
        return context.forwarded;
    }

    /** A chunk on the heap. */
    record Piece(ByteBuffer data) implements Chunk {
        @Override
        public int size() {
            return data.remaining();
        }

        @Override
        public long arrivedNanos() {
            return 0;
        }

        @Override
        public boolean isEnd() {
            return false;
        }
    }

    /** The few context calls a slicer makes, with room for {@code roomEvery} splits at a time. */
    static final class Context {
        final List<Integer> forwarded = new ArrayList<>();
        final ArrayDeque<Chunk> held = new ArrayDeque<>();
        final SplittableRandom random = new SplittableRandom(12);
        final int roomEvery;
        int splitsLeft;
        Runnable whenRoom;
        final StageContext proxy;

        Context(int roomEvery) {
            this.roomEvery = roomEvery;
            this.splitsLeft = roomEvery;
            this.proxy = (StageContext) Proxy.newProxyInstance(StageContext.class.getClassLoader(),
                    new Class<?>[] {StageContext.class}, (self, method, args) -> switch (method.getName()) {
                        case "random" -> random;
                        case "nanoTime" -> 0L;
                        case "injected" -> null;
                        case "newTimer" -> new NoTimer();
                        case "hold" -> held.add((Chunk) args[0]);
                        case "peekHeld" -> held.peekFirst();
                        case "pollHeld" -> held.pollFirst();
                        case "forward" -> forwarded.add(((Chunk) args[0]).size());
                        case "hasRoomToSplit" -> splitsLeft > 0;
                        case "whenRoomToSplit" -> {
                            whenRoom = (Runnable) args[0];
                            yield null;
                        }
                        case "split" -> {
                            splitsLeft--;
                            Chunk chunk = (Chunk) args[0];
                            int bytes = (Integer) args[1];
                            ByteBuffer data = chunk.data();
                            ByteBuffer head = data.slice(data.position(), bytes);
                            data.position(data.position() + bytes);
                            yield new Piece(head);
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        void giveRoomUntilDone() {
            while (whenRoom != null) {
                Runnable action = whenRoom;
                whenRoom = null;
                splitsLeft = roomEvery;
                action.run();
            }
        }
    }

    /** A slicer without delay never arms its timer. */
    static final class NoTimer implements StageTimer {
        @Override
        public void armAt(long deadlineNanos) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void armIn(long delayNanos) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isArmed() {
            return false;
        }

        @Override
        public void cancel() {
        }
    }
}
