package io.chaosproxy.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How many bytes each sender has written so far, by connection and direction, so a receiver that sees a clean
 * end early can tell bytes that were sent and lost from bytes that were never sent. Keeps the latest streams.
 */
final class SentCounts {
    private static final int KEPT = 100_000;

    private final Map<Long, AtomicLong> counts = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, AtomicLong> eldest) {
            return size() > KEPT;
        }
    };

    /** The counter a sender adds to after each write. */
    AtomicLong start(long id, Flow flow) {
        AtomicLong count = new AtomicLong();
        synchronized (counts) {
            counts.put(key(id, flow), count);
        }
        return count;
    }

    /** Bytes written so far by that sender; 0 if it never started. */
    long written(long id, Flow flow) {
        AtomicLong count;
        synchronized (counts) {
            count = counts.get(key(id, flow));
        }
        return count == null ? 0 : count.get();
    }

    private static long key(long id, Flow flow) {
        return id * 2 + flow.ordinal();
    }
}
