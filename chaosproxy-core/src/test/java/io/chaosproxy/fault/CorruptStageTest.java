package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.StageHarness.Departure;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Corrupt: each chunk it picks leaves with exactly one byte changed, and nothing else differs. */
class CorruptStageTest {

    @Test
    void probabilityOneChangesExactlyOneByteOfEveryChunk() {
        StageHarness harness = new StageHarness(7);
        harness.start(Fault.corrupt(1.0));
        SplittableRandom random = new SplittableRandom(7);
        byte[][] sent = new byte[1_000][];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = new byte[1 + random.nextInt(100)];
            random.nextBytes(sent[i]);
            harness.receive(sent[i]);
        }
        harness.receiveEnd();

        List<Departure> left = harness.dataDepartures();
        assertThat(left).hasSize(sent.length);
        for (int i = 0; i < sent.length; i++) {
            byte[] received = new byte[left.get(i).size()];
            left.get(i).bytes().duplicate().get(received);
            assertThat(differences(sent[i], received)).as("bytes changed in chunk %d", i).isEqualTo(1);
        }
        assertThat(harness.bytesChangedCount()).isEqualTo(sent.length);
        assertThat(harness.reports()).hasSize(sent.length);
        assertThat(harness.endForwarded()).isTrue();
    }

    @Test
    void probabilityZeroChangesNothing() {
        StageHarness harness = new StageHarness(7);
        harness.start(Fault.corrupt(0.0));
        byte[] data = new byte[10_000];
        new SplittableRandom(1).nextBytes(data);
        harness.receive(data);
        assertThat(harness.forwardedBytes()).isEqualTo(data);
        assertThat(harness.bytesChangedCount()).isZero();
    }

    private static int differences(byte[] a, byte[] b) {
        assertThat(b).hasSameSizeAs(a);
        int count = 0;
        for (int i = 0; i < a.length; i++) {
            count += a[i] != b[i] ? 1 : 0;
        }
        return count;
    }
}
