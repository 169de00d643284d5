package io.chaosproxy.config;

import io.chaosproxy.config.ConfigException.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/** Collects the problems of one file, so that all of them are reported at once. */
final class Problems {
    private final String source;
    private final List<Problem> list = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    void add(String path, Node at, String message) {
        Mark mark = at == null ? null : at.getStartMark().orElse(null);
        add(path, mark, message);
    }

    void add(String path, Mark mark, String message) {
        list.add(mark == null ? new Problem(path, 0, 0, message)
                : new Problem(path, mark.getLine() + 1, mark.getColumn() + 1, message));
    }

    int count() {
        return list.size();
    }

    void throwIfAny() {
        if (!list.isEmpty()) {
            list.sort(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column));   // stable
            throw new ConfigException(source, list);
        }
    }
}
