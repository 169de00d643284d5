package io.chaosproxy;

import java.util.List;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * What a proxy did, most recent last: connections opened and closed, faults injected, upstream errors, health and
 * circuit-breaker changes, and every change made through {@link Route}, {@link ChaosConnection} or
 * {@link ChaosProxy} (faults added, removed, set; disabled, enabled...). Bounded: past its size (see
 * {@link ChaosProxy.Builder#journalSize}) the oldest entries are dropped and counted.
 *
 * <pre>{@code
 * long mark = proxy.journal().mark();
 * // ... traffic ...
 * System.out.println(proxy.journal().since(mark).text());
 * }</pre>
 *
 * Thread-safe: the proxy's loops add to it while any thread reads; a reader never holds them up.
 */
public final class Journal {
    private final LongSupplier mark;
    private final LongFunction<JournalExcerpt> since;
    private final int size;

    /** A view of the proxy's journal: where it stands, what it holds from a mark on, and its size. */
    Journal(LongSupplier mark, LongFunction<JournalExcerpt> since, int size) {
        this.mark = mark;
        this.since = since;
        this.size = size;
    }

    /** Every entry it holds, oldest first. */
    public List<JournalEntry> entries() {
        return since(0).entries();
    }

    /** The position of the next entry: pass it to {@link #since} later to read what happened in between. */
    public long mark() {
        return mark.getAsLong();
    }

    /**
     * The entries from position {@code mark} on, oldest first, with how many of them were dropped already and the
     * mark to read on from.
     *
     * @throws IllegalArgumentException for a negative mark
     */
    public JournalExcerpt since(long mark) {
        if (mark < 0) {
            throw new IllegalArgumentException("mark: " + mark + " is negative; use 0 or a value mark() returned");
        }
        return this.since.apply(mark);
    }

    /** The most entries it holds; 0 when the journal is off. */
    public int size() {
        return size;
    }

    /** How many entries were dropped so far to make room for newer ones. */
    public long dropped() {
        return Math.max(0, mark() - size);
    }

    /** Every entry it holds, one line each; see {@link JournalExcerpt#text()}. */
    public String text() {
        return since(0).text();
    }

    @Override
    public String toString() {
        return "Journal{size=" + size() + ", next=" + mark() + ", dropped=" + dropped() + "}";
    }
}
