package io.chaosproxy.fault;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaosproxy.fault.FakeConnection.Closure;
import io.chaosproxy.fault.StageHarness.Departure;
import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageTimer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness keeps the promises the engine's StageLink keeps, so stage tests on it mean what they say. */
class StageHarnessTest {
    private static final long MS = 1_000_000;

    @Test
    void aChunkForwardedLaterNeverLeavesBeforeOneForwardedEarlier() {
        StageHarness harness = new StageHarness(1);
        harness.start(context -> chunk -> context.forwardAt(
                context.nanoTime() + (text(chunk).equals("a") ? 100 : 10) * MS, chunk));
        harness.receive(bytes("a"));
        harness.receive(bytes("b"));

        harness.advance(Duration.ofMillis(99));
        assertThat(harness.departures()).isEmpty();
        harness.advance(Duration.ofMillis(1));
        assertThat(new String(harness.forwardedBytes(), US_ASCII)).isEqualTo("ab");
        assertThat(harness.departures()).extracting(Departure::atNanos).containsExactly(100 * MS, 100 * MS);
    }

    @Test
    void forwardWaitsBehindDelayedChunksAndThenPassesAtOnce() {
        StageHarness harness = new StageHarness(1);
        harness.start(context -> chunk -> {
            if (text(chunk).equals("a")) {
                context.forwardAt(context.nanoTime() + 50 * MS, chunk);
            } else {
                context.forward(chunk);
            }
        });
        harness.receive(bytes("a"));
        harness.advance(Duration.ofMillis(20));
        harness.receive(bytes("b"));
        harness.advance(Duration.ofMillis(40));
        harness.receive(bytes("c"));

        assertThat(new String(harness.forwardedBytes(), US_ASCII)).isEqualTo("abc");
        assertThat(harness.departures()).extracting(Departure::atNanos).containsExactly(50 * MS, 50 * MS, 60 * MS);
    }

    @Test
    void aDueTimeThatHasPassedLeavesAtOnce() {
        StageHarness harness = new StageHarness(1);
        harness.start(context -> chunk -> context.forwardAt(context.nanoTime() - 1_000 * MS, chunk));
        harness.receive(bytes("a"));
        assertThat(harness.departures()).extracting(Departure::atNanos).containsExactly(0L);
    }

    @Test
    void removalLetsDelayedThenHeldChunksGoAtOnceInOrderAndStopsTheTimers() {
        StageHarness harness = new StageHarness(1);
        List<Long> fired = new ArrayList<>();
        harness.start(context -> new Stage() {
            private final StageTimer timer = context.newTimer(() -> fired.add(context.nanoTime()));

            @Override
            public void onStart() {
                context.pauseSource();
                timer.armIn(500 * MS);
            }

            @Override
            public void onChunk(Chunk chunk) {
                if (text(chunk).equals("a")) {
                    context.forwardAt(context.nanoTime() + 1_000 * MS, chunk);
                } else {
                    context.hold(chunk);
                }
            }
        });
        harness.receive(bytes("a"));
        harness.receive(bytes("b"));
        harness.receive(bytes("c"));
        harness.advance(Duration.ofMillis(10));

        harness.remove();
        harness.receive(bytes("d"));
        harness.advance(Duration.ofSeconds(2));

        assertThat(new String(harness.forwardedBytes(), US_ASCII)).isEqualTo("abcd");
        assertThat(harness.departures()).extracting(Departure::atNanos).containsOnly(10 * MS);
        assertThat(fired).isEmpty();
        assertThat(harness.sourcePaused()).isFalse();
    }

    @Test
    void timersRunInDeadlineOrderAndTiesInArmingOrder() {
        StageHarness harness = new StageHarness(1);
        List<String> fired = new ArrayList<>();
        harness.start(context -> {
            StageTimer late = context.newTimer(() -> fired.add("late@" + harness.elapsedNanos() / MS));
            StageTimer first = context.newTimer(() -> fired.add("first@" + harness.elapsedNanos() / MS));
            StageTimer second = context.newTimer(() -> fired.add("second@" + harness.elapsedNanos() / MS));
            late.armIn(30 * MS);
            first.armIn(10 * MS);
            second.armIn(10 * MS);
            return context::forward;
        });
        harness.advance(Duration.ofSeconds(1));
        assertThat(fired).containsExactly("first@10", "second@10", "late@30");
    }

    @Test
    void aClosedConnectionLosesWhatWasDelayedOrHeldAndRunsNoMoreTimers() {
        StageHarness harness = new StageHarness(1);
        List<Long> fired = new ArrayList<>();
        harness.start(context -> {
            context.newTimer(() -> context.reset("test")).armIn(10 * MS);
            context.newTimer(() -> fired.add(context.nanoTime())).armIn(20 * MS);
            return chunk -> {
                if (text(chunk).equals("a")) {
                    context.forwardAt(context.nanoTime() + 1_000 * MS, chunk);
                } else {
                    context.hold(chunk);
                }
            };
        });
        harness.receive(bytes("a"));
        harness.receive(bytes("bc"));
        harness.advance(Duration.ofSeconds(2));
        harness.receive(bytes("d"));

        assertThat(harness.closure()).isEqualTo(new Closure(Closure.Kind.RESET, "test", 10 * MS));
        assertThat(harness.departures()).isEmpty();
        assertThat(harness.lostBytes()).isEqualTo(3);
        assertThat(fired).isEmpty();
    }

    @Test
    void endStreamThenCloseClosesOnlyOnceTheEndLeftBehindDelayedData() {
        StageHarness harness = new StageHarness(1);
        harness.start(context -> chunk -> {
            context.forwardAt(context.nanoTime() + 50 * MS, chunk);
            context.endStreamThenClose("enough");
        });
        harness.receive(bytes("a"));
        assertThat(harness.sourcePaused()).isTrue();
        assertThat(harness.closure()).isNull();

        harness.advance(Duration.ofMillis(50));
        assertThat(harness.departures()).extracting(Departure::isEnd).containsExactly(false, true);
        assertThat(harness.closure()).isEqualTo(new Closure(Closure.Kind.END_THEN_CLOSE, "enough", 50 * MS));
    }

    @Test
    void aStageThatPassesOnAChunkTwiceIsCaught() {
        StageHarness harness = new StageHarness(1);
        harness.start(context -> chunk -> {
            context.forward(chunk);
            context.forward(chunk);
        });
        assertThatThrownBy(() -> harness.receive(bytes("a"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no longer owns");
    }

    @Test
    void aStageWaitingForRoomToSplitGoesOnWhenThereIsRoom() {
        StageHarness harness = new StageHarness(1);
        harness.splitBudget(1);
        harness.start(context -> new Stage() {
            @Override
            public void onChunk(Chunk chunk) {
                context.hold(chunk);
                sendBytes();
            }

            private void sendBytes() {
                Chunk head;
                while ((head = context.peekHeld()) != null) {
                    if (head.size() <= 1) {
                        context.forward(context.pollHeld());
                    } else if (context.hasRoomToSplit()) {
                        context.forward(context.split(head, 1));
                    } else {
                        context.whenRoomToSplit(this::sendBytes);
                        return;
                    }
                }
            }
        });
        harness.receive(bytes("abc"));
        assertThat(new String(harness.forwardedBytes(), US_ASCII)).isEqualTo("a");
        assertThat(harness.waitsForRoomToSplit()).isTrue();

        harness.giveRoomToSplit(5);
        assertThat(new String(harness.forwardedBytes(), US_ASCII)).isEqualTo("abc");
        assertThat(harness.dataDepartures()).extracting(Departure::size).containsExactly(1, 1, 1);
        assertThat(harness.splitsWithoutRoom()).isZero();
    }

    @Test
    void aNewChunkCarriesACopyTakesRoomAndIsTheStagesToPassOn() {
        StageHarness harness = new StageHarness(1);
        harness.splitBudget(1);
        ByteBuffer greeting = ByteBuffer.wrap(bytes(">>hi"));
        greeting.position(2);
        harness.start(context -> chunk -> {
            if (context.hasRoomToSplit()) {
                context.forward(context.newChunk(greeting));
            }
            context.forward(chunk);
        });
        harness.receive(bytes("a"));
        harness.receive(bytes("b"));
        assertThat(new String(harness.forwardedBytes(), US_ASCII)).isEqualTo("hiab");
        assertThat(greeting.position()).as("the given buffer is left as it was").isEqualTo(2);
        assertThat(harness.addedBytes()).isEqualTo(2);
        assertThat(harness.splitsWithoutRoom()).isZero();

        StageHarness other = new StageHarness(1);
        other.start(context -> chunk -> {
            context.newChunk(ByteBuffer.allocate(chunk.size()));
            context.forward(chunk);
        });
        assertThatThrownBy(() -> other.receive(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("new chunk of 0 bytes; 1..65536 allowed");
        assertThatThrownBy(() -> other.receive(new byte[Chunk.MAX_SIZE + 1]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static byte[] bytes(String text) {
        return text.getBytes(US_ASCII);
    }

    static String text(Chunk chunk) {
        return US_ASCII.decode(chunk.data().duplicate()).toString();
    }
}
