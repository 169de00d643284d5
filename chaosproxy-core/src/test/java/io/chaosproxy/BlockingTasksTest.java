package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Guards every module's tests against a hang seen on JDK 25: {@code CompletableFuture.supplyAsync/runAsync} without
 * an executor run on the common pool, which has a single thread on two cores, so a task blocked in a socket read
 * keeps the writer it waits for from ever starting. Tests use {@link Async} (a thread per task) instead.
 */
class BlockingTasksTest {
    private static final Pattern ON_THE_COMMON_POOL =
            Pattern.compile("CompletableFuture\\s*\\.\\s*(supplyAsync|runAsync)\\s*\\(");

    @Test
    void noTestRunsATaskOnTheCommonPool() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> offenders;
        try (Stream<Path> files = Files.walk(root, 12)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/test/"))
                    .filter(p -> !List.of("Async.java", "BlockingTasksTest.java").contains(p.getFileName().toString()))
                    .filter(p -> read(p).lines().anyMatch(line -> ON_THE_COMMON_POOL.matcher(line).find()))
                    .map(p -> root.relativize(p).toString()).sorted().toList();
        }
        assertThat(offenders).as("tests that run a task on the common pool; use Async instead").isEmpty();
    }

    @Test
    void thePatternFindsWhatItLooksFor() {
        assertThat(ON_THE_COMMON_POOL.matcher("x = CompletableFuture.supplyAsync(() -> 1);").find()).isTrue();
        assertThat(ON_THE_COMMON_POOL.matcher("x = Async.supplyAsync(() -> 1);").find()).isFalse();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
