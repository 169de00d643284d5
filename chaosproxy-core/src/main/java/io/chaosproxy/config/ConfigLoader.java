package io.chaosproxy.config;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.config.ConfigException.Problem;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.IntUnaryOperator;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * Reads config files into a {@link ChaosProxy.Builder}; start it, or add settings and routes first.
 * Three formats are read, each as JSON or YAML: the original chaos-proxy's list of routes; an object with proxy
 * settings and {@code routes}; and the "apps" of the TCP proxies chaos-proxy grew from,
 * {@code {"Apps": [{"Name": ..., "Ports": [...], "Targets": [...]}]}}. Every problem of a file is reported at once,
 * in one {@link ConfigException}.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * Reads {@code file}, JSON or YAML by its extension ({@code .json}, {@code .yaml}, {@code .yml}).
     *
     * @throws ConfigException when the file cannot be read, or has any problem (all of them listed)
     */
    public static ChaosProxy.Builder load(Path file) {
        return load(file, IntUnaryOperator.identity());
    }

    /**
     * Reads config text given directly, e.g. from a test.
     *
     * @throws ConfigException when the text has any problem (all of them listed)
     */
    public static ChaosProxy.Builder load(String content, ConfigFormat format) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(format, "format");
        return load(content, "<" + format.name().toLowerCase(java.util.Locale.ROOT) + " string>",
                IntUnaryOperator.identity());
    }

    /**
     * Reads a scenario given as a config file's route {@code schedule}: {@code steps} or {@code flapping},
     * {@code length}, {@code repeat}. For an admin API or a test resource.
     *
     * @throws ConfigException when the text has any problem (all of them listed)
     */
    public static io.chaosproxy.Scenario scenario(String content, ConfigFormat format) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(format, "format");
        String source = "<" + format.name().toLowerCase(java.util.Locale.ROOT) + " string>";
        Node root = parse(content, source);
        Problems problems = new Problems(source);
        if (root == null) {
            problems.add("", (Node) null, "is empty; expected a schedule, {steps: [...]} or {flapping: {...}}");
        }
        io.chaosproxy.Scenario scenario = root == null ? null : ScheduleReader.read(root, "", problems);
        problems.throwIfAny();
        return scenario;
    }

    /** As {@link #load(Path)}, every local port of every route passed through {@code ports} after it was checked. */
    static ChaosProxy.Builder load(Path file, IntUnaryOperator ports) {
        Objects.requireNonNull(file, "file");
        String source = file.toString();
        try {
            ConfigFormat.of(file);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source, List.of(new Problem("", 0, 0,
                    "unknown extension; use .json, .yaml or .yml")));
        }
        String content;
        try {
            content = Files.readString(file);
        } catch (CharacterCodingException e) {
            throw new ConfigException(source, List.of(new Problem("", 0, 0, "is not UTF-8 text")));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(source, List.of(new Problem("", 0, 0, "does not exist (looked in "
                    + file.toAbsolutePath().normalize().getParent() + ")")));
        } catch (java.nio.file.AccessDeniedException e) {
            throw new ConfigException(source, List.of(new Problem("", 0, 0, "cannot be read: permission denied")));
        } catch (IOException e) {
            String why = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            throw new ConfigException(source, List.of(new Problem("", 0, 0, "cannot be read: " + why)));
        }
        return load(content, source, ports);
    }

    static ChaosProxy.Builder load(String content, String source, IntUnaryOperator ports) {
        Node root = parse(content, source);
        Problems problems = new Problems(source);
        return new BuilderReader(problems, ports).read(root);
    }

    /**
     * Parses to nodes only (YAML 1.2, JSON schema): tags are kept as names and never construct objects.
     * A syntax error, or nesting deeper than a config can be, ends reading: what follows cannot be trusted.
     */
    private static Node parse(String content, String source) {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(source)
                .setSchema(new JsonSchema())
                .setUseMarks(true)
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(50)
                .build();
        try {
            Parser parser = new NestingLimit(new ParserImpl(settings, new StreamReader(settings, content)));
            return new Composer(settings, parser).getSingleNode().orElse(null);
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            String message = e.getContext() == null ? e.getProblem() : e.getContext() + ": " + e.getProblem();
            Problem problem = mark == null ? new Problem("", 0, 0, "syntax: " + message)
                    : new Problem("", mark.getLine() + 1, mark.getColumn() + 1, "syntax: " + message);
            throw new ConfigException(source, List.of(problem));
        } catch (YamlEngineException e) {
            throw new ConfigException(source, List.of(new Problem("", 0, 0, "syntax: " + e.getMessage())));
        }
    }
}
