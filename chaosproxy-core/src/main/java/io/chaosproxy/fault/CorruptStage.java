package io.chaosproxy.fault;

import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import java.nio.ByteBuffer;

/** Applies one {@link Corrupt}: with its probability per chunk, one byte becomes a different random one. */
final class CorruptStage implements Stage {
    private final Corrupt fault;
    private final StageContext context;

    CorruptStage(Corrupt fault, StageContext context) {
        this.fault = fault;
        this.context = context;
    }

    @Override
    public void onChunk(Chunk chunk) {
        if (!chunk.isEnd() && chunk.size() > 0 && context.random().nextDouble() < fault.probability()) {
            ByteBuffer data = chunk.data();
            int at = data.position() + context.random().nextInt(chunk.size());
            // XOR with 1..255: the byte always changes, to any other value.
            data.put(at, (byte) (data.get(at) ^ (1 + context.random().nextInt(255))));
            context.bytesChanged(1);
            context.injected("bytes=1 at=" + (at - data.position()));
        }
        context.forward(chunk);
    }
}
