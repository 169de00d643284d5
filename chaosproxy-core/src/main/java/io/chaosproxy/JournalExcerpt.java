package io.chaosproxy;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A run of a {@link Journal}'s entries, as {@link Journal#since} returns them.
 *
 * @param entries the entries, oldest first
 * @param dropped how many entries between the mark asked for and the first of {@code entries} were dropped
 *                before they could be read
 * @param next    the mark to pass to {@link Journal#since} for the entries after these
 */
public record JournalExcerpt(List<JournalEntry> entries, long dropped, long next) {

    /** Copies the list. */
    public JournalExcerpt {
        entries = List.copyOf(entries);
    }

    /** The entries that {@code test} accepts, e.g. {@code e -> e.connection() == 3}; the same counts. */
    public JournalExcerpt filter(Predicate<JournalEntry> test) {
        Objects.requireNonNull(test, "test");
        return new JournalExcerpt(entries.stream().filter(test).toList(), dropped, next);
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
