package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import java.nio.ByteBuffer;

/**
 * Applies one {@link Corrupt} in {@link CorruptMode#INSERT} mode: with its probability per chunk, 1 to
 * {@value Corrupt#MAX_INSERTED} random bytes go out right before the chunk. The new bytes take memory the source
 * never filled, so while the pipe has no room for them the chunks wait here, in order.
 */
final class CorruptInsertStage implements Stage {
    private final Corrupt fault;
    private final StageContext context;
    private boolean decided;   // whether the oldest held chunk has had its draw
    private int toInsert;      // random bytes still to go out before the oldest held chunk

    CorruptInsertStage(Corrupt fault, StageContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onChunk(Chunk chunk) {
        context.hold(chunk);
        sendHeld();
    }

    private void sendHeld() {
        Chunk head;
        while ((head = context.peekHeld()) != null) {
            if (!decided) {
                decided = true;
                boolean picked = !head.isEnd() && context.random().nextDouble() < fault.probability();
                toInsert = picked ? 1 + context.random().nextInt(Corrupt.MAX_INSERTED) : 0;
            }
            if (toInsert > 0) {
                if (!context.hasRoomToSplit()) {
                    context.whenRoomToSplit(this::sendHeld);   // the proxy's memory bound counts on the wait
                    return;
                }
                insert(toInsert);
                toInsert = 0;
            }
            decided = false;
            Chunk chunk = context.pollHeld();
            if (chunk == null) {
                return;   // a listener told of the insertion removed the fault: what it held has moved on
            }
            context.forward(chunk);
        }
    }

    private void insert(int bytes) {
        byte[] garbage = new byte[bytes];
        context.random().nextBytes(garbage);
        context.forward(context.newChunk(ByteBuffer.wrap(garbage)));
        context.bytesChanged(bytes);
        context.injected("bytes=" + bytes + " inserted");
    }
}
