package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core's files form layers (the README's Design section draws them): a file uses files of its own layer or
 * below, never above. Read from the sources: imports, fully qualified names, and same-package names.
 */
class LayersTest {
    private static final Path SOURCES = Path.of("src", "main", "java", "io", "chaosproxy");
    private static final List<String> LAYERS = List.of("base", "faults and SPI", "types", "engine", "facade", "front ends");

    /** The layer of a core source file, by its path under io/chaosproxy. */
    static int layer(String file) {
        if (file.startsWith("config/")) {
            return 5;
        }
        if (file.startsWith("internal/")) {
            return 3;
        }
        if (file.startsWith("fault/") || file.startsWith("spi/") || file.equals("Fault.java")) {
            return 1;
        }
        return switch (file) {
            case "ChaosProxy.java", "Route.java", "RouteBuilder.java", "Upstream.java", "ScenarioRun.java",
                    "Scenarios.java" -> 4;
            case "Direction.java", "package-info.java" -> 0;
            default -> 2;   // ChaosConnection, ChaosEvent, ChaosListener, ProxyMetrics, DuplicateException
        };
    }

    @Test
    void noFileUsesALayerAboveItsOwn() throws IOException {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.put(SOURCES.relativize(file).toString().replace('\\', '/'), withoutComments(Files.readString(file)));
            }
        }
        assertThat(sources).containsKeys("ChaosProxy.java", "internal/Pipe.java", "spi/FaultType.java");
        List<String> upward = new ArrayList<>();
        sources.forEach((file, code) -> {
            for (String used : uses(file, code, sources)) {
                if (layer(used) > layer(file)) {
                    upward.add(file + " (" + LAYERS.get(layer(file)) + ") uses " + used + " ("
                            + LAYERS.get(layer(used)) + ")");
                }
            }
        });
        assertThat(upward).as("files that use a layer above their own").isEmpty();
    }

    /** The reader sees what it must judge: an import, a same-package name, a use from a lower layer. */
    @Test
    void theReaderSeesImportsAndSamePackageNames() throws IOException {
        Map<String, String> sources = new TreeMap<>();
        for (String file : List.of("ChaosProxy.java", "Route.java", "Fault.java", "internal/Engine.java",
                "spi/FaultType.java")) {
            sources.put(file, withoutComments(Files.readString(SOURCES.resolve(file))));
        }
        assertThat(uses("ChaosProxy.java", sources.get("ChaosProxy.java"), sources))
                .contains("Route.java", "internal/Engine.java");
        assertThat(uses("spi/FaultType.java", sources.get("spi/FaultType.java"), sources)).contains("Fault.java");
        assertThat(layer("spi/FaultType.java")).isLessThan(layer("internal/Engine.java"));
    }

    /** The core files {@code file} names: imported, fully qualified, or of its own package by simple name. */
    private static List<String> uses(String file, String code, Map<String, String> sources) {
        String dir = file.contains("/") ? file.substring(0, file.lastIndexOf('/') + 1) : "";
        List<String> used = new ArrayList<>();
        Matcher qualified = Pattern.compile("\\bio\\.chaosproxy\\.((?:[a-z]+\\.)*)([A-Z]\\w*)").matcher(code);
        while (qualified.find()) {
            String target = qualified.group(1).replace('.', '/') + qualified.group(2) + ".java";
            if (sources.containsKey(target) && !target.equals(file)) {
                used.add(target);
            }
        }
        for (String other : sources.keySet()) {
            boolean samePackage = other.startsWith(dir) && other.indexOf('/', dir.length()) < 0;
            if (!samePackage || other.equals(file)) {
                continue;
            }
            String simpleName = other.substring(dir.length(), other.length() - ".java".length());
            if (Pattern.compile("\\b" + simpleName + "\\b").matcher(code).find()) {
                used.add(other);
            }
        }
        return used;
    }

    private static String withoutComments(String code) {
        return code.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "").replaceAll("\"(?:\\\\.|[^\"\\\\])*\"", "\"\"");
    }
}
