package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.FakeConnection.Report;
import io.chaosproxy.fault.StageHarness.Departure;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Corrupt in insert mode (Trixter's corruption): a picked chunk leaves behind 1..16 KiB of random bytes, every
 * byte of the input still leaves in order, and the added bytes are counted.
 */
class CorruptInsertStageTest {
    private static final int CHUNKS = 1_000;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 42, -3})
    void eachPickedChunkLeavesBehindTheRandomBytesTheSeedGives(long seed) {
        StageHarness harness = new StageHarness(seed);
        harness.start(Fault.corrupt(0.3).inserting());
        byte[][] sent = chunks(seed + 1);
        for (byte[] chunk : sent) {
            harness.receive(chunk);
        }
        harness.receiveEnd();

        // The stage's draws, replayed: per chunk one for the pick, then the size and the bytes of what it adds.
        SplittableRandom draws = new SplittableRandom(seed);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        List<Integer> inserted = new ArrayList<>();
        for (byte[] chunk : sent) {
            if (draws.nextDouble() < 0.3) {
                byte[] garbage = new byte[1 + draws.nextInt(Corrupt.MAX_INSERTED)];
                draws.nextBytes(garbage);
                expected.writeBytes(garbage);
                inserted.add(garbage.length);
            }
            expected.writeBytes(chunk);
        }
        assertThat(harness.forwardedBytes()).isEqualTo(expected.toByteArray());
        long added = inserted.stream().mapToLong(Integer::longValue).sum();
        assertThat(inserted).as("about 30%% of %d chunks picked", CHUNKS).hasSizeBetween(240, 360);
        assertThat(harness.dataDepartures()).hasSize(CHUNKS + inserted.size());
        assertThat(harness.addedBytes()).isEqualTo(added);
        assertThat(harness.bytesChangedCount()).isEqualTo(added);
        assertThat(harness.reports()).extracting(Report::detail)
                .containsExactlyElementsOf(inserted.stream().map(n -> "bytes=" + n + " inserted").toList());
        assertThat(harness.departures().get(harness.departures().size() - 1).isEnd()).isTrue();
    }

    @Test
    void probabilityOneInsertsBeforeEveryChunkAndNeverBeforeTheEnd() {
        StageHarness harness = new StageHarness(1);
        harness.start(Fault.corrupt(1.0).inserting());
        harness.receive(new byte[] {1, 2, 3});
        harness.receive(new byte[] {4});
        harness.receiveEnd();

        List<Departure> left = harness.departures();
        assertThat(left).hasSize(5);
        assertThat(left.get(0).size()).isBetween(1, Corrupt.MAX_INSERTED);
        assertThat(bytes(left.get(1))).containsExactly(1, 2, 3);
        assertThat(left.get(2).size()).isBetween(1, Corrupt.MAX_INSERTED);
        assertThat(bytes(left.get(3))).containsExactly(4);
        assertThat(left.get(4).isEnd()).isTrue();
        assertThat(harness.bytesChangedCount()).isEqualTo(left.get(0).size() + left.get(2).size());
    }

    @Test
    void probabilityZeroPassesEveryByteAsItCame() {
        StageHarness harness = new StageHarness(7);
        harness.start(Fault.corrupt(0.0).inserting());
        byte[] data = new byte[10_000];
        new SplittableRandom(1).nextBytes(data);
        harness.receive(data);
        harness.receiveEnd();
        assertThat(harness.forwardedBytes()).isEqualTo(data);
        assertThat(harness.endForwarded()).isTrue();
        assertThat(harness.addedBytes()).isZero();
        assertThat(harness.reports()).isEmpty();
    }

    @Test
    void withoutRoomForTheNewBytesChunksWaitInOrderThenGoBehindThem() {
        StageHarness harness = new StageHarness(1);
        harness.splitBudget(0);
        harness.start(Fault.corrupt(1.0).inserting());
        harness.receive(new byte[] {1});
        harness.receive(new byte[] {2});
        harness.receiveEnd();
        assertThat(harness.departures()).isEmpty();
        assertThat(harness.waitsForRoomToSplit()).isTrue();

        harness.giveRoomToSplit(1);   // room for one insertion: the first chunk goes, the second waits again
        assertThat(harness.dataDepartures()).hasSize(2);
        assertThat(bytes(harness.dataDepartures().get(1))).containsExactly(1);
        assertThat(harness.waitsForRoomToSplit()).isTrue();

        harness.giveRoomToSplit(1);
        List<Departure> left = harness.departures();
        assertThat(left).hasSize(5);
        assertThat(bytes(left.get(3))).containsExactly(2);
        assertThat(left.get(4).isEnd()).isTrue();
        assertThat(harness.splitsWithoutRoom()).isZero();
    }

    @Test
    void removedWhileWaitingForRoomItLetsTheHeldChunksGoUnchangedInOrder() {
        StageHarness harness = new StageHarness(1);
        harness.splitBudget(0);
        harness.start(Fault.corrupt(1.0).inserting());
        harness.receive(new byte[] {1});
        harness.receive(new byte[] {2});
        harness.remove();
        harness.receive(new byte[] {3});
        assertThat(harness.forwardedBytes()).containsExactly(1, 2, 3);
        assertThat(harness.addedBytes()).isZero();
    }

    private static byte[][] chunks(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] chunks = new byte[CHUNKS][];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = new byte[1 + random.nextInt(2_000)];
            random.nextBytes(chunks[i]);
        }
        return chunks;
    }

    private static byte[] bytes(Departure departure) {
        byte[] copy = new byte[departure.size()];
        departure.bytes().duplicate().get(copy);
        return copy;
    }
}
