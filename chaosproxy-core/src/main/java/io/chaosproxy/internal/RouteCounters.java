package io.chaosproxy.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The live counts of one route, written by its loops and read by any thread. */
public final class RouteCounters {
    private final LongAdder accepted = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder bytesUpstream = new LongAdder();
    private final LongAdder bytesDownstream = new LongAdder();
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong peakPipeBuffered = new AtomicLong();

    void accepted() {
        accepted.increment();
    }

    void dropped() {
        dropped.increment();
    }

    void opened() {
        active.incrementAndGet();
    }

    void closed() {
        active.decrementAndGet();
    }

    void forwarded(boolean upstreamBound, int bytes) {
        (upstreamBound ? bytesUpstream : bytesDownstream).add(bytes);
    }

    /** Records a change of a pipe's held bytes; {@code pipeHeld} is that pipe's new total. */
    void buffered(long delta, long pipeHeld) {
        if (delta != 0) {
            buffered.addAndGet(delta);
        }
        if (pipeHeld > peakPipeBuffered.get()) {
            peakPipeBuffered.accumulateAndGet(pipeHeld, Math::max);
        }
    }

    public long acceptedConnections() {
        return accepted.sum();
    }

    public long droppedConnections() {
        return dropped.sum();
    }

    public int activeConnections() {
        return active.get();
    }

    public long bytesUpstream() {
        return bytesUpstream.sum();
    }

    public long bytesDownstream() {
        return bytesDownstream.sum();
    }

    public long bufferedBytes() {
        return buffered.get();
    }

    public long peakPipeBufferedBytes() {
        return peakPipeBuffered.get();
    }
}
