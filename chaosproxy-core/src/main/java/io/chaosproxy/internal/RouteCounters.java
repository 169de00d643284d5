package io.chaosproxy.internal;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The live counts of one route, written by its loops and read by any thread. */
public final class RouteCounters {
    private final LongAdder accepted = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder refusedByLimit = new LongAdder();
    private final LongAdder noUpstream = new LongAdder();
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder bytesUpstream = new LongAdder();
    private final LongAdder bytesDownstream = new LongAdder();
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong peakPipeBuffered = new AtomicLong();
    private final LongAdder bytesCorrupted = new LongAdder();
    private final Map<String, LongAdder> faultsInjected = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> upstreamFailures = new ConcurrentHashMap<>();

    void accepted() {
        accepted.increment();
    }

    void dropped() {
        dropped.increment();
    }

    void refusedByLimit() {
        refusedByLimit.increment();
    }

    void noUpstreamReached() {
        noUpstream.increment();
    }

    /** Clients closed at once because the route's connection limit or rate was reached. */
    public long connectionsRefusedByLimit() {
        return refusedByLimit.sum();
    }

    /** Clients closed because no upstream could be reached (each tried failed, or none was usable). */
    public long noUpstream() {
        return noUpstream.sum();
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

    void faultInjected(String type) {
        faultsInjected.computeIfAbsent(type, t -> new LongAdder()).increment();
    }

    void upstreamFailure(String kind) {
        upstreamFailures.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    void bytesCorrupted(int count) {
        bytesCorrupted.add(count);
    }

    public long bytesCorrupted() {
        return bytesCorrupted.sum();
    }

    /** Faults injected so far, by fault type, sorted by type. */
    public Map<String, Long> faultsInjected() {
        return snapshot(faultsInjected);
    }

    /** Upstream connect failures so far, by kind ({@code refused}, {@code timeout}, ...). */
    public Map<String, Long> upstreamFailures() {
        return snapshot(upstreamFailures);
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> counts) {
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((key, count) -> copy.put(key, count.sum()));
        return copy;
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
