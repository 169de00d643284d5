package io.chaosproxy.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A soak client's first bytes: a magic word, its connection number, the bytes it will send, the bytes it wants
 * back, and a check over them. Other processes on the machine may connect to any loopback port; the magic and
 * the check tell their connections from the soak's, so a stranger is never counted as a soak stream.
 */
record Header(long id, long upload, long download) {
    static final int LENGTH = 5 * Long.BYTES;
    private static final byte[] MAGIC = "chaosoak".getBytes(StandardCharsets.US_ASCII);

    byte[] encode(long seed) {
        return ByteBuffer.allocate(LENGTH).put(MAGIC).putLong(id).putLong(upload).putLong(download)
                .putLong(check(seed, id, upload, download)).array();
    }

    /** Whether {@code count} bytes that arrived could begin a soak header: a stranger's do not. */
    static boolean couldBegin(byte[] bytes, int count) {
        int n = Math.min(count, MAGIC.length);
        return Arrays.equals(bytes, 0, n, MAGIC, 0, n);
    }

    /** The header in {@code bytes}, or null when its check fails: bytes changed on the way. */
    static Header decode(byte[] bytes, long seed) {
        ByteBuffer fields = ByteBuffer.wrap(bytes, MAGIC.length, LENGTH - MAGIC.length);
        Header header = new Header(fields.getLong(), fields.getLong(), fields.getLong());
        return fields.getLong() == check(seed, header.id, header.upload, header.download) ? header : null;
    }

    private static long check(long seed, long id, long upload, long download) {
        return SeededBytes.seed(seed ^ upload, id ^ Long.rotateLeft(download, 32), Flow.UP);
    }
}
