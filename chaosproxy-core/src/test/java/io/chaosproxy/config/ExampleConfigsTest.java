package io.chaosproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loads every file of {@code examples/configs}: valid ones read and start, invalid ones fail with exactly the
 * problems in the {@code .expected} file beside them, one a line.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExampleConfigsTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "configs");

    static Stream<Path> validFiles() throws IOException {
        return configs("valid");
    }

    static Stream<Path> invalidFiles() throws IOException {
        return configs("invalid");
    }

    private static Stream<Path> configs(String kind) throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES.resolve(kind))) {
            return files.filter(f -> !f.toString().endsWith(".expected")).sorted().toList().stream();
        }
    }

    @Test
    void everyScenarioOfTheOriginalToolIsThere() {
        assertThat(EXAMPLES.resolve("valid")).isDirectoryContaining("glob:**/basic.json")
                .isDirectoryContaining("glob:**/multiple_routes.json").isDirectoryContaining("glob:**/realistic_chaos.json")
                .isDirectoryContaining("glob:**/extreme_conditions.json").isDirectoryContaining("glob:**/latency_tiers.json")
                .isDirectoryContaining("glob:**/ipv6.json");
        assertThat(EXAMPLES.resolve("invalid")).isDirectoryContaining("glob:**/duplicate_ports.json")
                .isDirectoryContaining("glob:**/invalid_port_range.json").isDirectoryContaining("glob:**/invalid_drop_rate.json")
                .isDirectoryContaining("glob:**/invalid_negative_latency.json")
                .isDirectoryContaining("glob:**/invalid_missing_upstream.json")
                .isDirectoryContaining("glob:**/invalid_zero_port.json");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validFiles")
    void validFileReadsThroughThePublicEntry(Path file) {
        assertThat(ConfigLoader.load(file)).isNotNull();
    }

    /**
     * Example files carry fixed ports for people to use; here each route gets an ephemeral port instead (after
     * the file's own port was checked), so the test binds nothing a developer or a parallel build might hold.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("validFiles")
    void validFileStarts(Path file) {
        try (ChaosProxy proxy = ConfigLoader.load(file, port -> 0).start()) {
            assertThat(proxy.routes()).isNotEmpty().allSatisfy(route -> assertThat(route.localPort()).isPositive());
            assertThat(proxy.routes().stream().filter(Route::isEnabled)).isNotEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFiles")
    void invalidFileFailsWithTheExpectedProblems(Path file) throws IOException {
        List<String> expected = Files.readAllLines(Path.of(file + ".expected"));
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).map(ConfigException.Problem::toString).containsExactlyElementsOf(expected);
                    assertThat(e.getMessage()).startsWith("config " + file + " has " + expected.size() + " problem")
                            .contains(expected);
                });
    }

    @Test
    void everyInvalidFileHasItsExpectedProblems() throws IOException {
        assertThat(invalidFiles()).isNotEmpty()
                .allSatisfy(file -> assertThat(Path.of(file + ".expected")).isRegularFile());
    }

    @Test
    void theReadmesErrorExampleIsWhatItsFileGives() throws IOException {
        Path file = EXAMPLES.resolve("invalid").resolve("routes.yaml");
        String readme = Files.readString(Path.of("..", "README.md"));
        String header = "config examples/configs/invalid/routes.yaml has ";
        int start = readme.indexOf(header);
        assertThat(start).as("the README shows routes.yaml's errors").isPositive();
        List<String> shown = readme.substring(start, readme.indexOf("```", start)).strip().lines().toList();

        ConfigException problems = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(file));
        List<String> given = problems.getMessage().lines().toList();
        assertThat(shown.subList(1, shown.size())).isEqualTo(given.subList(1, given.size()));
        assertThat(shown.get(0)).endsWith(given.get(0).substring(given.get(0).indexOf(" has ")));
    }
}
