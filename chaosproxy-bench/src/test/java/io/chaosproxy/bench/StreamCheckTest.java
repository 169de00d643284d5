package io.chaosproxy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class StreamCheckTest {
    private static final long SEED = 42;
    private static final int LENGTH = 100_000;

    @Test
    void everyByteThenTheSendersDigestIsComplete() {
        StreamCheck check = check(1);
        assertThat(acceptInPieces(check, sent(1), 777)).isTrue();
        assertThat(check.endedCleanly(sent(1).length)).isEqualTo(Verdict.COMPLETE);
        assertThat(check.verifiedBytes()).isEqualTo(LENGTH);
    }

    @Test
    void anEmptyStreamIsJustTheDigestOfNothing() {
        StreamCheck check = new StreamCheck(new SeededBytes(7), 0);
        byte[] sent = drain(new OutgoingStream(new SeededBytes(7), 0));
        assertThat(sent).hasSize(OutgoingStream.DIGEST_LENGTH);
        assertThat(check.accept(sent, 0, sent.length)).isTrue();
        assertThat(check.endedCleanly(sent.length)).isEqualTo(Verdict.COMPLETE);
    }

    @Test
    void aCleanEndBeforeTheLastByteIsASilentTruncation() {
        byte[] sent = sent(1);
        for (int arrived : new int[] {0, 1, LENGTH - 1, LENGTH, sent.length - 1}) {
            StreamCheck check = check(1);
            assertThat(check.accept(sent, 0, arrived)).isTrue();
            assertThat(check.endedCleanly(sent.length)).as("clean end after %d bytes", arrived)
                    .isEqualTo(Verdict.SILENT_TRUNCATION);
            assertThat(check.problem()).contains("a clean end after " + arrived + " of " + sent.length);
            assertThat(check.lostWrittenBytes()).isTrue();
        }
    }

    @Test
    void aCleanEndBeforeTheSenderWroteMoreIsStillASilentTruncation() {
        StreamCheck check = check(1);
        assertThat(check.accept(sent(1), 0, 5000)).isTrue();
        assertThat(check.endedCleanly(5000)).isEqualTo(Verdict.SILENT_TRUNCATION);
        assertThat(check.lostWrittenBytes()).isFalse();
        assertThat(check.problem()).contains("a FIN before it wrote the rest");
    }

    @Test
    void anErrorAfterAPrefixIsACut() {
        StreamCheck check = check(1);
        assertThat(acceptInPieces(check, Arrays.copyOf(sent(1), 5000), 300)).isTrue();
        assertThat(check.endedWithError()).isEqualTo(Verdict.CUT);
        assertThat(check.verifiedBytes()).isEqualTo(5000);
    }

    @Test
    void aByteThatWasNotSentThereIsAViolation() {
        byte[] sent = sent(1);
        sent[4711]++;
        StreamCheck check = check(1);
        assertThat(acceptInPieces(check, sent, 1000)).isFalse();
        assertThat(check.problem()).isEqualTo("byte 4711 is not the one sent");
    }

    @Test
    void aMissingChunkIsAViolationAtItsPlace() {
        byte[] sent = sent(1);
        byte[] skipped = new byte[sent.length - 65536];
        System.arraycopy(sent, 0, skipped, 0, 1000);
        System.arraycopy(sent, 1000 + 65536, skipped, 1000, skipped.length - 1000);
        StreamCheck check = check(1);
        assertThat(check.accept(skipped, 0, skipped.length)).isFalse();
        assertThat(check.problem()).isEqualTo("byte 1000 is not the one sent");
    }

    @Test
    void anotherConnectionsBytesAreAViolation() {
        StreamCheck check = check(1);
        assertThat(check.accept(sent(2), 0, 64)).isFalse();
    }

    @Test
    void aChangedDigestIsAViolation() {
        byte[] sent = sent(1);
        sent[sent.length - 1]++;
        StreamCheck check = check(1);
        assertThat(check.accept(sent, 0, sent.length)).isFalse();
        assertThat(check.problem()).contains("SHA-256");
    }

    @Test
    void bytesAfterTheEndAreAViolation() {
        byte[] sent = Arrays.copyOf(sent(1), sent(1).length + 1);
        StreamCheck check = check(1);
        assertThat(check.accept(sent, 0, sent.length)).isFalse();
        assertThat(check.problem()).isEqualTo("1 bytes after the end of what was sent");
    }

    private static StreamCheck check(long connection) {
        return new StreamCheck(new SeededBytes(SeededBytes.seed(SEED, connection, Flow.UP)), LENGTH);
    }

    /** What a sender of that connection writes: the seeded bytes and their digest. */
    private static byte[] sent(long connection) {
        return drain(new OutgoingStream(new SeededBytes(SeededBytes.seed(SEED, connection, Flow.UP)), LENGTH));
    }

    private static byte[] drain(OutgoingStream stream) {
        byte[] all = new byte[(int) stream.total()];
        byte[] piece = new byte[1234];
        int at = 0;
        for (int n; (n = stream.next(piece, piece.length)) > 0; at += n) {
            System.arraycopy(piece, 0, all, at, n);
        }
        assertThat(at).isEqualTo(all.length);
        return all;
    }

    private static boolean acceptInPieces(StreamCheck check, byte[] data, int piece) {
        for (int at = 0; at < data.length; at += piece) {
            if (!check.accept(data, at, Math.min(piece, data.length - at))) {
                return false;
            }
        }
        return true;
    }
}
