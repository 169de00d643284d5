package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The built-in stages read time only from their context, so that the fake-clock tests beside this one say how
 * they behave in a running proxy; and they never sleep, as they run on an event loop.
 */
class StageSourcesTest {
    private static final List<String> FORBIDDEN =
            List.of("System.nanoTime", "System.currentTimeMillis", "Instant.now", "Clock.", "Thread.sleep");

    @Test
    void noStageReadsAClockOfItsOwnOrSleeps() throws IOException {
        List<Path> stages;
        try (Stream<Path> files = Files.list(Path.of("src", "main", "java", "io", "chaosproxy", "fault"))) {
            stages = files.filter(file -> file.getFileName().toString().endsWith("Stage.java")).sorted().toList();
        }
        assertThat(stages).as("the stage sources").hasSizeGreaterThanOrEqualTo(13);
        for (Path stage : stages) {
            String source = Files.readString(stage);
            assertThat(FORBIDDEN).as(stage.getFileName().toString()).noneMatch(source::contains);
        }
    }
}
