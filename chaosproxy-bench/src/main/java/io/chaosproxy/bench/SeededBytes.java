package io.chaosproxy.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * The bytes one soak stream carries: a pseudo-random sequence fixed by its seed, so the receiver regenerates
 * exactly what the sender sent and can tell at which byte a stream stops being a prefix of it.
 */
final class SeededBytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final SplittableRandom random;
    private final byte[] block = new byte[8192];
    private int position = block.length;

    SeededBytes(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /**
     * The seed of one direction of one connection. Mixed, because SplittableRandom seeds that differ by its
     * increment give shifted copies of one sequence: a stream delivered on the wrong connection must not pass.
     */
    static long seed(long soakSeed, long connection, Flow flow) {
        return mix(mix(soakSeed) ^ mix(connection * 2 + flow.ordinal()));
    }

    /** The next {@code length} bytes of the sequence. */
    void next(byte[] into, int offset, int length) {
        while (length > 0) {
            if (position == block.length) {
                refill();
            }
            int n = Math.min(length, block.length - position);
            System.arraycopy(block, position, into, offset, n);
            position += n;
            offset += n;
            length -= n;
        }
    }

    private void refill() {
        for (int i = 0; i < block.length; i += Long.BYTES) {
            LONGS.set(block, i, random.nextLong());
        }
        position = 0;
    }

    /** MurmurHash3's 64-bit finalizer. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
