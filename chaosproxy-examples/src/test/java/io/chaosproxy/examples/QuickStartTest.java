package io.chaosproxy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.examples.Pom.Dependency;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps the README's Quick start true: {@link QuickStart} runs, holds the README's Java snippet line for line, and
 * the snippet's dependencies are artifacts this build publishes, at its version. (The issue's alternative, compiling
 * a scratch project against installed artifacts, would need {@code mvn install}, which the build must not do.)
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QuickStartTest {
    private static final Path ROOT = Path.of("..");
    private static final String GROUP = "io.chaosproxy";

    @Test
    void runsAndLeavesNoThreadBehind() {
        QuickStart.main(new String[0]);

        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("chaos-proxy-"));
    }

    /** Each paragraph of the snippet (the imports, the code) is a run of lines of the example, in order. */
    @Test
    void theExampleHoldsTheReadmesJavaSnippetLineForLine() throws IOException {
        List<String> example = stripped(Files.readString(
                Path.of("src/main/java/io/chaosproxy/examples/QuickStart.java")).lines().toList());
        int from = 0;
        for (List<String> paragraph : paragraphs(quickStartBlock("java"))) {
            int at = Collections.indexOfSubList(example.subList(from, example.size()), paragraph);
            assertThat(at).as("QuickStart.java, after line %d, holds the README's Quick start lines%n%s", from,
                    String.join("\n", paragraph)).isNotNegative();
            from += at + paragraph.size();
        }
    }

    @Test
    void theReadmesDependenciesArePublishedModulesAtThisVersion() throws IOException {
        Pom parent = Pom.read(ROOT.resolve("pom.xml"));
        String version = parent.text("version");
        Pom snippet = Pom.parse("<project>" + quickStartBlock("xml") + "</project>");
        Set<String> published = publishedArtifacts(parent);

        List<Dependency> boms = snippet.managedDependencies();
        assertThat(boms).as("the Quick start imports the BOM")
                .containsExactly(new Dependency(GROUP, "chaosproxy-bom", version, "pom", "import"));
        Set<String> managed = bomManaged(version);
        for (Dependency d : snippet.dependencies()) {
            if (d.groupId().equals(GROUP)) {
                assertThat(d.artifactId()).as(d.key()).isIn(published).isIn(managed);
                assertThat(d.version()).as("%s: its version comes from the BOM", d.key()).isEmpty();
            } else {
                assertThat(d.version()).as("%s: the build's version", d.key())
                        .isEqualTo(managedVersion(parent, d).orElse(d.version())).isNotEmpty();
            }
        }
        assertThat(snippet.dependencies()).extracting(Dependency::artifactId)
                .contains("chaosproxy-core", "chaosproxy-junit5");
    }

    /** A module added to the build and published must be added to the BOM too, at the same version. */
    @Test
    void theBomManagesEveryPublishedModule() throws IOException {
        Pom parent = Pom.read(ROOT.resolve("pom.xml"));
        Set<String> expected = publishedArtifacts(parent);
        expected.remove("chaosproxy-bom");

        assertThat(bomManaged(parent.text("version"))).isEqualTo(expected)
                .contains("chaosproxy-core", "chaosproxy-junit5", "chaosproxy-assertj", "chaosproxy-cli",
                        "chaosproxy-standalone");
    }

    /** The artifactIds of the build's modules that do not skip deploy. */
    private static Set<String> publishedArtifacts(Pom parent) throws IOException {
        Set<String> published = new TreeSet<>();
        for (String module : parent.modules()) {
            Pom pom = Pom.read(ROOT.resolve(module).resolve("pom.xml"));
            if (!pom.skipsDeploy()) {
                published.add(pom.text("artifactId"));
            }
        }
        return published;
    }

    /** What chaosproxy-bom manages; each entry must be at the build's version. */
    private static Set<String> bomManaged(String version) throws IOException {
        Pom bom = Pom.read(ROOT.resolve("chaosproxy-bom/pom.xml"));
        assertThat(bom.text("version")).as("chaosproxy-bom's version (it has no parent)").isEqualTo(version);
        Set<String> managed = new TreeSet<>();
        for (Dependency d : bom.managedDependencies()) {
            assertThat(d.groupId()).isEqualTo(GROUP);
            assertThat(d.version()).as(d.key()).isEqualTo("${project.version}");
            managed.add(d.artifactId());
        }
        return managed;
    }

    /** The version the parent manages for {@code d}, its {@code ${property}} resolved. */
    private static Optional<String> managedVersion(Pom parent, Dependency d) {
        Map<String, String> properties = parent.properties();
        return parent.managedDependencies().stream().filter(m -> m.key().equals(d.key())).findFirst()
                .map(m -> m.version().startsWith("${")
                        ? properties.get(m.version().substring(2, m.version().length() - 1)) : m.version());
    }

    /** The first {@code ```lang} block of the README's Quick start section. */
    private static String quickStartBlock(String lang) throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int start = readme.indexOf("\n## Quick start\n");
        assertThat(start).as("README has a '## Quick start' section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Matcher block = Pattern.compile("\n```" + lang + "\n(.*?)\n```\n", Pattern.DOTALL).matcher(section);
        assertThat(block.find()).as("a ```%s block in the Quick start", lang).isTrue();
        return block.group(1);
    }

    /** The block's lines without indentation, split at blank lines. */
    private static List<List<String>> paragraphs(String block) {
        List<List<String>> paragraphs = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : stripped(block.lines().toList())) {
            if (line.isEmpty()) {
                if (!current.isEmpty()) {
                    paragraphs.add(current);
                }
                current = new ArrayList<>();
            } else {
                current.add(line);
            }
        }
        if (!current.isEmpty()) {
            paragraphs.add(current);
        }
        return paragraphs;
    }

    private static List<String> stripped(List<String> lines) {
        return lines.stream().map(String::strip).toList();
    }
}
