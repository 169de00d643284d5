package io.chaosproxy.config;

import java.util.List;
import java.util.Objects;

/**
 * A config file that cannot be used: every problem found in it, each with its location, in one exception. The
 * message lists them one a line, e.g. {@code routes[2].dropRate (line 14, column 17): 1.5 is outside 0.0..1.0}.
 */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final transient List<Problem> problems;

    ConfigException(String source, List<Problem> problems) {
        super(message(source, problems));
        this.source = source;
        this.problems = List.copyOf(problems);
    }

    /** The file (or {@code <string>} for text given directly) the problems are in. */
    public String source() {
        return source;
    }

    /** Every problem found, in the order of the file (by line and column). */
    public List<Problem> problems() {
        return problems;
    }

    private static String message(String source, List<Problem> problems) {
        StringBuilder message = new StringBuilder("config ").append(source).append(" has ").append(problems.size())
                .append(problems.size() == 1 ? " problem:" : " problems:");
        for (Problem problem : problems) {
            message.append("\n  ").append(problem);
        }
        return message.toString();
    }

    /**
     * One problem in a config file.
     *
     * @param path    where in the document, e.g. {@code routes[2].faults[0].attributes.latency}; empty for the
     *                whole document or a syntax error
     * @param line    1-based line, 0 when unknown
     * @param column  1-based column, 0 when unknown
     * @param message the value, what is wrong with it and what is allowed
     */
    public record Problem(String path, int line, int column, String message) {
        public Problem {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(message, "message");
        }

        /** {@code path (line L, column C): message}, leaving out the parts not known. */
        @Override
        public String toString() {
            String where = line > 0 ? "line " + line + ", column " + column : "";
            if (!path.isEmpty()) {
                where = where.isEmpty() ? path : path + " (" + where + ")";
            }
            return where.isEmpty() ? message : where + ": " + message;
        }
    }
}
