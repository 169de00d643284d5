package io.chaosproxy.examples.redis;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import java.nio.ByteBuffer;

/**
 * Applies one {@link RedisErrorReply} to one direction of one connection: rewrites the first top-level
 * {@code +OK\r\n} replies, in place, into {@code -NO\r\n}.
 *
 * <p>A reply may arrive cut across reads ({@code "+O"}, then {@code "K\r\n"}): from its {@code +} until it is
 * known to be {@code +OK\r\n} or something else, the stage holds the chunks it is in (at most five, one per
 * byte), then rewrites them and forwards them in order. No chunk is split, so no byte moves and none is lost;
 * the bytes in front of the {@code +} in its chunk wait as long, a few bytes' time.
 */
final class RedisErrorReplyStage implements Stage {
    private static final byte[] OK = RedisErrorReply.OK_REPLY.getBytes(US_ASCII);
    private static final byte[] ERROR = RedisErrorReply.ERROR_REPLY.getBytes(US_ASCII);

    private final StageContext context;
    private final RespScanner scanner = new RespScanner();
    private long repliesLeft;
    private int matched;     // bytes of a top-level "+OK\r\n" seen so far; 0 when none is under way
    private long matchStart; // where its '+' is, counted from the first byte the context holds for this stage
    private long heldBytes;  // bytes the context holds for this stage: only while a match is under way

    RedisErrorReplyStage(RedisErrorReply fault, StageContext context) {
        this.context = context;
        this.repliesLeft = fault.replies();
    }

    @Override
    public void onChunk(Chunk chunk) {
        if (chunk.isEnd() || repliesLeft == 0 || scanner.lost()) {
            releaseHeld();   // a reply cut short by the end of the stream passes on as it came
            context.forward(chunk);
            return;
        }
        ByteBuffer data = chunk.data();
        for (int i = data.position(); i < data.limit() && repliesLeft > 0 && !scanner.lost(); i++) {
            byte b = data.get(i);
            boolean startsReply = scanner.next(b);
            long at = heldBytes + (i - data.position());   // held bytes first, then this chunk's
            if (matched > 0) {
                if (b != OK[matched]) {
                    matched = 0;   // another reply ("+OKAY", "+OOPS"): it passes on unchanged
                    releaseHeld();
                } else if (++matched == OK.length) {
                    matched = 0;
                    replace(chunk);
                }
            } else if (startsReply && b == OK[0]) {
                matched = 1;
                matchStart = at;
            }
        }
        if (matched > 0) {
            heldBytes += chunk.size();
            context.hold(chunk);
        } else {
            context.forward(chunk);   // nothing is held: a match ends by releasing what it held
        }
    }

    /** Rewrites the matched reply, in the held chunks and in {@code current}, and forwards the held ones. */
    private void replace(Chunk current) {
        long currentStart = heldBytes;
        Chunk held;
        long start = 0;
        while ((held = context.pollHeld()) != null) {
            rewrite(held.data(), start);
            start += held.size();
            context.forward(held);
        }
        heldBytes = 0;
        rewrite(current.data(), currentStart);
        repliesLeft--;
        context.bytesChanged(differingBytes());
        context.injected("reply +OK became -NO");
    }

    /** Writes the bytes of the error that fall within {@code data}, whose first byte is at {@code start}. */
    private void rewrite(ByteBuffer data, long start) {
        for (int k = 0; k < ERROR.length; k++) {
            long at = matchStart + k - start;
            if (at >= 0 && at < data.remaining()) {
                data.put(data.position() + (int) at, ERROR[k]);
            }
        }
    }

    private void releaseHeld() {
        Chunk held;
        while ((held = context.pollHeld()) != null) {
            context.forward(held);
        }
        heldBytes = 0;
    }

    private static int differingBytes() {
        int count = 0;
        for (int k = 0; k < OK.length; k++) {
            count += OK[k] != ERROR[k] ? 1 : 0;
        }
        return count;
    }
}
