package io.chaosproxy.config;

import java.nio.file.Path;
import java.util.Locale;

/** The syntax of a config file. Both are read by one YAML 1.2 parser, JSON being a subset of YAML 1.2. */
public enum ConfigFormat {
    /** A {@code .json} file. */
    JSON,
    /** A {@code .yaml} or {@code .yml} file. */
    YAML;

    /**
     * The format a file's extension names.
     *
     * @throws IllegalArgumentException for any other extension
     */
    public static ConfigFormat of(Path file) {
        Path fileName = file.getFileName();
        String name = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return JSON;
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            return YAML;
        }
        throw new IllegalArgumentException("config " + file + ": unknown extension; use .json, .yaml or .yml");
    }
}
