package io.chaosproxy.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What a soak sender writes: {@code length} seeded bytes, then the SHA-256 of the bytes it wrote, so the receiver
 * can check that the digest of what arrived equals the sender's.
 */
final class OutgoingStream {
    static final int DIGEST_LENGTH = 32;

    private final SeededBytes bytes;
    private final long length;
    private final MessageDigest sha = sha256();
    private byte[] digest;
    private long produced;   // read by the watchdog only for its message; a stale value is harmless

    OutgoingStream(SeededBytes bytes, long length) {
        this.bytes = bytes;
        this.length = length;
    }

    /** Fills up to {@code max} bytes of {@code into} with what comes next; returns how many, or -1 at the end. */
    int next(byte[] into, int max) {
        if (produced < length) {
            int n = (int) Math.min(max, length - produced);
            bytes.next(into, 0, n);
            sha.update(into, 0, n);
            produced += n;
            return n;
        }
        if (digest == null) {
            digest = sha.digest();
        }
        int from = (int) (produced - length);
        int n = Math.min(max, DIGEST_LENGTH - from);
        if (n == 0) {
            return -1;
        }
        System.arraycopy(digest, from, into, 0, n);
        produced += n;
        return n;
    }

    /** Every byte the stream has: the payload and its digest. */
    long total() {
        return length + DIGEST_LENGTH;
    }

    long produced() {
        return produced;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
