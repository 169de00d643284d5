package io.chaosproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.config.RandomConfigs.Document;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A property over random config documents (mutations of {@code examples/configs/valid}): each is accepted or
 * rejected with a {@link ConfigException} that names its problems; nothing else ever comes out of the loader,
 * whatever the text. Each document has its own seed, printed with any failure so that it replays.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RandomConfigDocumentsTest {
    private static final long SEED = 0x5EED_C0F1_6L;
    private static final int TRIES = 1_000;

    private final RandomConfigs documents = new RandomConfigs(Path.of("..", "examples", "configs", "valid"));

    @Test
    void everyDocumentIsAcceptedOrRejectedWithAConfigExceptionThatNamesItsProblems() {
        Random seeds = new Random(SEED);
        List<String> failures = new ArrayList<>();
        int accepted = 0;
        for (int i = 0; i < TRIES; i++) {
            long seed = seeds.nextLong();
            Document document = documents.next(new Random(seed));
            try {
                assertThat(ConfigLoader.load(document.text(), document.format())).isNotNull();
                accepted++;
            } catch (ConfigException e) {
                if (e.problems().isEmpty() || e.problems().stream().anyMatch(p -> p.message().isBlank())) {
                    failures.add(report(seed, document, e));
                }
            } catch (Throwable e) {   // StackOverflowError included: nothing but a ConfigException may come out
                failures.add(report(seed, document, e));
            }
        }
        assertThat(failures).as("%d of %d documents failed", failures.size(), TRIES).isEmpty();
        // Neither side may be empty, or the documents test nothing: about an eighth are accepted.
        assertThat(accepted).as("accepted").isBetween(TRIES / 20, TRIES - TRIES / 20);
    }

    private static String report(long seed, Document document, Throwable thrown) {
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        String text = document.text();
        return "seed " + seed + "L (" + document.origin() + ", " + document.format() + "):\n"
                + (text.length() > 600 ? text.substring(0, 600) + "... (" + text.length() + " chars)" : text)
                + "\n" + trace.toString().lines().limit(8).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
