package io.chaosproxy;

import io.chaosproxy.internal.JournalJson;
import io.chaosproxy.internal.JournalLog;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

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
    private final JournalLog log;

    Journal(JournalLog log) {
        this.log = log;
    }

    /** Every entry it holds, oldest first. */
    public List<JournalEntry> entries() {
        return since(0).entries();
    }

    /** The position of the next entry: pass it to {@link #since} later to read what happened in between. */
    public long mark() {
        return log.mark();
    }

    /**
     * The entries from position {@code mark} on, oldest first, with how many of them were dropped already and the
     * mark to read on from.
     *
     * @throws IllegalArgumentException for a negative mark
     */
    public Excerpt since(long mark) {
        if (mark < 0) {
            throw new IllegalArgumentException("mark: " + mark + " is negative; use 0 or a value mark() returned");
        }
        return log.since(mark);
    }

    /** The most entries it holds; 0 when the journal is off. */
    public int size() {
        return log.capacity();
    }

    /** How many entries were dropped so far to make room for newer ones. */
    public long dropped() {
        return Math.max(0, mark() - log.capacity());
    }

    /** Every entry it holds, one line each; see {@link Excerpt#text()}. */
    public String text() {
        return since(0).text();
    }

    @Override
    public String toString() {
        return "Journal{size=" + size() + ", next=" + mark() + ", dropped=" + dropped() + "}";
    }

    /**
     * A run of a journal's entries.
     *
     * @param entries the entries, oldest first
     * @param dropped how many entries between the mark asked for and the first of {@code entries} were dropped
     *                before they could be read
     * @param next    the mark to pass to {@link Journal#since} for the entries after these
     */
    public record Excerpt(List<JournalEntry> entries, long dropped, long next) {

        /** Copies the list. */
        public Excerpt {
            entries = List.copyOf(entries);
        }

        /** The entries that {@code test} accepts, e.g. {@code e -> e.connection() == 3}; the same counts. */
        public Excerpt filter(Predicate<JournalEntry> test) {
            Objects.requireNonNull(test, "test");
            return new Excerpt(entries.stream().filter(test).toList(), dropped, next);
        }

        /**
         * One line per entry ({@code +12 ms db#3 opened from 127.0.0.1:51234 to 127.0.0.1:5432}), after a line
         * {@code (N earlier entries dropped)} when some were; each line ends with a newline.
         */
        public String text() {
            StringBuilder text = new StringBuilder(entries.size() * 64 + 32);
            if (dropped > 0) {
                text.append('(').append(dropped).append(dropped == 1 ? " earlier entry" : " earlier entries")
                        .append(" dropped)\n");
            }
            for (JournalEntry entry : entries) {
                text.append(entry).append('\n');
            }
            return text.toString();
        }

        /**
         * As one JSON object: {@code {"entries":[{"seq":0,"nanos":12000000,"route":"db","connection":3,
         * "kind":"opened","subject":null,"detail":"from ..."}, ...],"dropped":0,"next":1}}; {@code connection} is
         * null for an entry about a route or an upstream.
         */
        public String toJson() {
            return JournalJson.of(this);
        }
    }
}
