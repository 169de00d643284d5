package io.chaosproxy.bench;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Checks a received soak stream as it arrives: each byte against the seeded sequence the sender sent, then the
 * sender's SHA-256 against the digest of what arrived. A stream that stops early is judged by how it stopped.
 */
final class StreamCheck {
    private final SeededBytes expected;
    private final long length;
    private final MessageDigest sha = OutgoingStream.sha256();
    private byte[] scratch = new byte[0];
    private byte[] digest;   // of what arrived, once the payload is complete
    private long arrived;    // payload and digest bytes; read by the watchdog only for its message
    private String problem = "";
    private boolean lostWrittenBytes;

    StreamCheck(SeededBytes expected, long length) {
        this.expected = expected;
        this.length = length;
        if (length == 0) {
            digest = sha.digest();
        }
    }

    /** Checks {@code count} more bytes; false at the first that is not what was sent (see {@link #problem()}). */
    boolean accept(byte[] data, int offset, int count) {
        int done = 0;
        while (done < count) {
            int from = offset + done;
            if (arrived < length) {
                int n = (int) Math.min(count - done, length - arrived);
                if (scratch.length < n) {
                    scratch = new byte[Math.max(n, 32 * 1024)];
                }
                expected.next(scratch, 0, n);
                int at = Arrays.mismatch(data, from, from + n, scratch, 0, n);
                if (at >= 0) {
                    problem = "byte " + (arrived + at) + " is not the one sent";
                    return false;
                }
                sha.update(data, from, n);
                arrived += n;
                done += n;
                if (arrived == length) {
                    digest = sha.digest();
                }
            } else if (arrived < total()) {
                int at = (int) (arrived - length);
                int n = (int) Math.min(count - done, total() - arrived);
                if (Arrays.mismatch(data, from, from + n, digest, at, at + n) >= 0) {
                    problem = "the sender's SHA-256 differs from that of what arrived";
                    return false;
                }
                arrived += n;
                done += n;
            } else {
                problem = (count - done) + " bytes after the end of what was sent";
                return false;
            }
        }
        return true;
    }

    /**
     * The verdict on a stream that ended with EOF: whole, or silently short, either way: bytes the sender had
     * written were lost ({@code senderWritten} above what arrived), or the end came before it wrote more.
     */
    Verdict endedCleanly(long senderWritten) {
        if (arrived == total()) {
            return Verdict.COMPLETE;
        }
        lostWrittenBytes = senderWritten > arrived;
        problem = "a clean end after " + describe() + (lostWrittenBytes
                ? ", when the sender had written " + senderWritten + ": written bytes lost"
                : ", all the sender had written: a FIN before it wrote the rest");
        return Verdict.SILENT_TRUNCATION;
    }

    /** Whether a silently truncated stream lost bytes its sender had already written. */
    boolean lostWrittenBytes() {
        return lostWrittenBytes;
    }

    /** The verdict on a stream that ended with a reset or an error: every byte so far was checked. */
    Verdict endedWithError() {
        return Verdict.CUT;
    }

    /** Payload bytes that arrived and matched what was sent. */
    long verifiedBytes() {
        return Math.min(arrived, length);
    }

    long total() {
        return length + OutgoingStream.DIGEST_LENGTH;
    }

    /** Why the stream failed, for a report. */
    String problem() {
        return problem;
    }

    /** How far the stream got, e.g. {@code 1048576 of 3145760 bytes}. */
    String describe() {
        return arrived + " of " + total() + " bytes";
    }
}
