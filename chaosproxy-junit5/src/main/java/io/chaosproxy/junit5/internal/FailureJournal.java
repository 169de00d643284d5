package io.chaosproxy.junit5.internal;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.JournalExcerpt;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal of a failed test: the part of its proxy's journal since the test began, written to
 * {@code target/chaosproxy/<class>/<test>.txt} and {@code .json} (the directory set by {@value #DIR_PROPERTY},
 * relative to the working directory), and its last lines for the log, so that a CI failure can be read later.
 */
final class FailureJournal {
    static final String DIR_PROPERTY = "chaosproxy.journal.dir";
    static final String DEFAULT_DIR = "target/chaosproxy";
    /** Lines the log shows; the files have every one. */
    static final int LOGGED_LINES = 40;
    private static final Logger log = LoggerFactory.getLogger(FailureJournal.class);
    private static final Pattern INVOCATION = Pattern.compile("-invocation:#(\\d+)]");

    /** Where the journal of {@code proxy} stood when a test began. */
    record Mark(ChaosProxy proxy, long position) {

        /** The position in {@code now}'s journal: 0 for a proxy started since (the whole journal is the test's). */
        long in(ChaosProxy now) {
            return now == proxy ? position : 0;
        }
    }

    private FailureJournal() {
    }

    /**
     * Writes the test's part of the journal to its two files, and returns it as text for the log: a line saying
     * where the files are, then the last {@link #LOGGED_LINES} lines. A file that cannot be written is logged and
     * left out; the test's own failure stays the one reported.
     */
    static String write(ExtensionContext context, ChaosProxy proxy, long mark) {
        JournalExcerpt part = proxy.journal().since(mark);
        String text = part.text();
        String dir = System.getProperty(DIR_PROPERTY, DEFAULT_DIR);
        String where;
        try {
            Path base = Path.of(dir)   // in the try: a name no file system takes (a NUL) is reported as well
                    .resolve(safe(context.getRequiredTestClass().getName())).resolve(testName(context));
            Path txt = base.resolveSibling(base.getFileName() + ".txt");
            Files.createDirectories(base.getParent());
            Files.writeString(txt, text, StandardCharsets.UTF_8);
            Files.writeString(base.resolveSibling(base.getFileName() + ".json"), part.toJson(), StandardCharsets.UTF_8);
            where = " (all of it in " + txt.toAbsolutePath() + " and .json)";
        } catch (IOException | RuntimeException e) {
            log.warn("chaos-proxy cannot write the journal of {} under {}: {}", context.getDisplayName(), dir,
                    e.toString());
            where = "";
        }
        List<String> lines = text.lines().toList();
        StringBuilder shown = new StringBuilder("\nwhat the proxy did during the test").append(where).append(":\n");
        if (lines.isEmpty()) {
            shown.append("  (nothing)\n");
        } else if (lines.size() > LOGGED_LINES) {
            shown.append("  (").append(lines.size() - LOGGED_LINES).append(" earlier lines in the file)\n");
        }
        for (String line : lines.subList(Math.max(0, lines.size() - LOGGED_LINES), lines.size())) {
            shown.append("  ").append(line).append('\n');
        }
        return shown.toString();
    }

    /** The method's name; a repeated or parameterized test's invocation adds its number: {@code retries[3]}. */
    private static String testName(ExtensionContext context) {
        return testName(context.getRequiredTestMethod().getName(), context.getUniqueId());
    }

    /**
     * {@code name} followed by the number of each invocation in {@code uniqueId}, outermost first: {@code fails[2][3]}
     * for the third invocation of a parameterized test in the second of a parameterized class (JUnit 5.13+), which
     * would otherwise share a file with the third of the first.
     */
    static String testName(String name, String uniqueId) {
        StringBuilder full = new StringBuilder(name);
        Matcher invocation = INVOCATION.matcher(uniqueId);
        while (invocation.find()) {
            full.append('[').append(invocation.group(1)).append(']');
        }
        return safe(full.toString());
    }

    /** A file name on every file system: letters, digits and {@code . _ - $ [ ]}; anything else becomes {@code _}. */
    private static String safe(String name) {
        return name.replaceAll("[^A-Za-z0-9._$\\[\\]-]", "_");
    }
}
