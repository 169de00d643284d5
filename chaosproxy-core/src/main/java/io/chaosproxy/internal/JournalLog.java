package io.chaosproxy.internal;

import io.chaosproxy.JournalExcerpt;
import io.chaosproxy.JournalEntry;
import io.chaosproxy.JournalEntry.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The journal's ring of entries, lock-free: a writer takes the next position with one atomic increment and stores
 * its entry in that position's slot, replacing an older entry (never a newer one); a reader never blocks a
 * writer. Off (capacity 0), it keeps nothing and {@link #enabled()} lets callers skip building entries.
 */
public final class JournalLog {
    /** What a journal holds unless the builder says otherwise: about 0.5 MB of heap when full. */
    public static final int DEFAULT_SIZE = 4096;
    /** The largest journal: about 150 MB of heap when full. */
    public static final int MAX_SIZE = 1 << 20;

    private final long originNanos;
    private final int capacity;
    private final AtomicReferenceArray<JournalEntry> slots;
    private final AtomicLong next = new AtomicLong();

    /** A journal of {@code capacity} entries (0: off) whose times count from {@code originNanos}. */
    public JournalLog(int capacity, long originNanos) {
        if (capacity < 0 || capacity > MAX_SIZE) {
            throw new IllegalArgumentException("journalSize: " + capacity + " is outside 0.." + MAX_SIZE);
        }
        this.capacity = capacity;
        this.originNanos = originNanos;
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    /** Whether it keeps anything: callers skip building what it would not keep. */
    public boolean enabled() {
        return capacity > 0;
    }

    public int capacity() {
        return capacity;
    }

    /** Adds an entry, now; does nothing when off. Any thread; never blocks. */
    public void add(String route, long connection, Kind kind, String subject, String detail) {
        if (capacity == 0) {
            return;
        }
        long nanos = System.nanoTime() - originNanos;
        long seq = claim();
        store(new JournalEntry(seq, nanos, route, connection, kind, subject, detail));
    }

    /** Takes the next position. */
    long claim() {
        return next.getAndIncrement();
    }

    /**
     * Stores an entry in its slot unless a newer one is there: a writer that took its position {@code capacity}
     * later may store first (this one was preempted in between), and its entry must not be overwritten by an
     * older one, which a reader would take for one not stored yet, ending every read there.
     */
    void store(JournalEntry entry) {
        int slot = (int) (entry.seq() % capacity);
        JournalEntry held = slots.get(slot);
        while (held == null || held.seq() < entry.seq()) {
            if (slots.compareAndSet(slot, held, entry)) {
                return;
            }
            held = slots.get(slot);
        }
    }

    /** The position the next entry will take. */
    public long mark() {
        return next.get();
    }

    /**
     * The entries from {@code mark} on. An entry overwritten while this reads counts as dropped; one whose writer
     * has its position but has not stored it yet ends the excerpt there, so that no entry is skipped: the next
     * read, from the excerpt's {@code next}, finds it.
     */
    public JournalExcerpt since(long mark) {
        long end = next.get();
        long from = Math.max(mark, end - capacity);
        if (from >= end) {
            return new JournalExcerpt(List.of(), 0, Math.max(mark, end));
        }
        long dropped = from - mark;
        List<JournalEntry> entries = new ArrayList<>((int) (end - from));
        long seq = from;
        for (; seq < end; seq++) {
            JournalEntry entry = slots.get((int) (seq % capacity));
            if (entry == null || entry.seq() < seq) {
                break;   // its writer is between taking the position and storing the entry
            }
            if (entry.seq() > seq) {
                dropped++;   // overwritten by a newer one while we read
            } else {
                entries.add(entry);
            }
        }
        return new JournalExcerpt(entries, dropped, seq);
    }
}
