package io.chaosproxy.internal;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct buffers handed from closed loops to new ones, process-wide. A fresh direct buffer costs a page fault
 * per 4 KiB page the first time it is touched (a 256 KiB buffer took about a millisecond on a virtual machine):
 * a test suite that starts a proxy per test class should pay that once, not per proxy. Bounded, so what a
 * burst of proxies used is not kept forever. Thread-safe.
 */
final class DirectBuffers {
    /** Buffers kept per size: enough for a few proxies running at once, at most a few MiB. */
    private static final int MAX_KEPT_BYTES_PER_SIZE = 2 * 1024 * 1024;

    private static final Map<Integer, Shelf> SHELVES = new ConcurrentHashMap<>();

    private DirectBuffers() {
    }

    /** A cleared direct buffer of exactly {@code capacity} bytes, recycled when one is available. */
    static ByteBuffer take(int capacity) {
        Shelf shelf = SHELVES.get(capacity);
        ByteBuffer buffer = shelf == null ? null : shelf.pollFirst();
        if (buffer == null) {
            return ByteBuffer.allocateDirect(capacity);
        }
        shelf.count.decrementAndGet();
        return buffer.clear();
    }

    /** Gives a buffer no longer used by anyone back for a later {@link #take}; dropped when the shelf is full. */
    static void give(ByteBuffer buffer) {
        int capacity = buffer.capacity();
        Shelf shelf = SHELVES.computeIfAbsent(capacity, c -> new Shelf());
        if (shelf.count.incrementAndGet() * (long) capacity <= Math.max(MAX_KEPT_BYTES_PER_SIZE, capacity)) {
            shelf.addFirst(buffer);
        } else {
            shelf.count.decrementAndGet();
        }
    }

    private static final class Shelf extends ConcurrentLinkedDeque<ByteBuffer> {
        private static final long serialVersionUID = 1L;
        final AtomicInteger count = new AtomicInteger();
    }
}
