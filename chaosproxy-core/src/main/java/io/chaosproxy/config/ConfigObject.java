package io.chaosproxy.config;

import io.chaosproxy.spi.Check;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One object (mapping) of a config file, read field by field. Each getter records a problem and returns null
 * when the field is missing (if required) or its value is wrong, so that reading goes on and every problem of
 * the file is found; {@link #finish()} then reports the fields nobody asked for. Reads the parser's nodes only:
 * no tag ever turns into an object. An object read {@link #ofAnyCase any case} matches field names whatever their
 * case, and names each in messages as the file spells it.
 */
final class ConfigObject {
    /** YAML 1.2's spellings of infinity and not-a-number, which are floats but not decimals. */
    private static final Pattern INFINITY_OR_NAN = Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
    private final Node node;
    private final String path;
    private final Problems problems;
    private final Map<String, NodeTuple> fields = new LinkedHashMap<>();
    private final Set<String> known = new LinkedHashSet<>();
    private final boolean anyCase;

    private ConfigObject(Node node, String path, Problems problems, boolean anyCase) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.anyCase = anyCase;
    }

    /** The object at {@code node}, or null (a problem recorded) when it is something else. */
    static ConfigObject of(Node node, String path, Problems problems) {
        return of(node, path, problems, false);
    }

    /**
     * As {@link #of}, matching field names in any case ({@code Name}, {@code name}, {@code NAME}), as Go's JSON
     * reader does: for the seeds' formats, written for it.
     */
    static ConfigObject ofAnyCase(Node node, String path, Problems problems) {
        return of(node, path, problems, true);
    }

    private static ConfigObject of(Node node, String path, Problems problems, boolean anyCase) {
        if (!(node instanceof MappingNode mapping) || !mapping.getTag().equals(Tag.MAP)) {
            problems.add(path, node, describe(node) + " is not an object; expected {...} with named fields");
            return null;
        }
        ConfigObject object = new ConfigObject(node, path, problems, anyCase);
        for (NodeTuple tuple : mapping.getValue()) {
            Node key = tuple.getKeyNode();
            if (!(key instanceof ScalarNode scalar) || !key.getTag().equals(Tag.STR)) {
                problems.add(path, key, describe(key) + " is not a field name; field names are strings");
                continue;
            }
            NodeTuple first = object.fields.putIfAbsent(object.lookup(scalar.getValue()), tuple);
            if (first != null) {
                String firstName = ((ScalarNode) first.getKeyNode()).getValue();
                problems.add(object.child(scalar.getValue()), key, "appears twice"
                        + (firstName.equals(scalar.getValue()) ? "" : " (as " + firstName + " too; field names are"
                        + " read in any case)") + "; give each field once");
            }
        }
        return object;
    }

    /** The key {@link #fields} holds a field under. */
    private String lookup(String key) {
        return anyCase ? key.toLowerCase(Locale.ROOT) : key;
    }

    String path() {
        return path;
    }

    Node node() {
        return node;
    }

    /** The path of field {@code key}, spelled as the file spells it. */
    String child(String key) {
        NodeTuple tuple = fields.get(lookup(key));
        String spelled = tuple == null ? key : ((ScalarNode) tuple.getKeyNode()).getValue();
        return path.isEmpty() ? spelled : path + "." + spelled;
    }

    /** Declares {@code key} a field of this object and returns its value node, or null when absent. */
    Node raw(String key) {
        known.add(key);
        NodeTuple tuple = fields.get(lookup(key));
        return tuple == null ? null : tuple.getValueNode();
    }

    boolean has(String key) {
        known.add(key);
        return fields.containsKey(lookup(key));
    }

    /** The names of every field, as the file spells them, in its order: for an object keyed by its user. */
    List<String> names() {
        return fields.values().stream().map(tuple -> ((ScalarNode) tuple.getKeyNode()).getValue()).toList();
    }

    /** The key node of field {@code key}, or this object's node when absent: where a problem with the name is. */
    Node keyNode(String key) {
        NodeTuple tuple = fields.get(lookup(key));
        return tuple == null ? node : tuple.getKeyNode();
    }

    void missing(String key, String expected) {
        problems.add(child(key), node, "is missing; " + expected);
    }

    void problem(String key, String message) {
        Node value = raw(key);
        problems.add(child(key), value != null ? value : node, message);
    }

    /** Records a problem with this object as a whole. */
    void problemHere(String message) {
        problems.add(path, node, message);
    }

    int problemCount() {
        return problems.count();
    }

    String string(String key, boolean required, String expected) {
        Node value = raw(key);
        if (value == null) {
            if (required) {
                missing(key, expected);
            }
            return null;
        }
        return stringAt(value, child(key), problems, expected);
    }

    /** The string at {@code value}, e.g. an item of a list; null (recorded) when it is something else. */
    static String stringAt(Node value, String path, Problems problems, String expected) {
        if (!isScalar(value, Tag.STR)) {
            problems.add(path, value, describe(value) + " is not a string; " + expected);
            return null;
        }
        return ((ScalarNode) value).getValue();
    }

    Boolean bool(String key) {
        Node value = raw(key);
        if (value == null) {
            return null;
        }
        String text = isScalar(value, Tag.BOOL) ? ((ScalarNode) value).getValue().toLowerCase(Locale.ROOT) : "";
        if (!text.equals("true") && !text.equals("false")) {   // an explicit !!bool tag may sit on anything
            problems.add(child(key), value, describe(value) + " is not a boolean; expected true or false");
            return null;
        }
        return Boolean.valueOf(text);
    }

    /** A whole number in {@code min..max}. */
    Long integer(String key, boolean required, long min, long max) {
        return integer(key, required, min, max, "expected a whole number in " + min + ".." + max);
    }

    /** A whole number in {@code min..max}; {@code expected} says what is allowed when it is no number. */
    Long integer(String key, boolean required, long min, long max, String expected) {
        Node value = raw(key);
        if (value == null) {
            if (required) {
                missing(key, expected);
            }
            return null;
        }
        return integerAt(value, child(key), problems, min, max, expected);
    }

    /** The whole number in {@code min..max} at {@code value}, e.g. an item of a list; null (recorded) if it is none. */
    static Long integerAt(Node value, String path, Problems problems, long min, long max, String expected) {
        BigInteger number = wholeNumber(value);
        if (number == null) {
            problems.add(path, value, describe(value) + " is not a whole number; " + expected);
            return null;
        }
        if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
            problems.add(path, value, number + " is outside " + min + ".." + max);
            return null;
        }
        return number.longValue();
    }

    /** A probability, 0.0..1.0. */
    Double probability(String key, boolean required) {
        return number(key, required, 0.0, 1.0, "0.0..1.0");
    }

    /** A number, fractions allowed, in {@code min..max}. */
    Double number(String key, boolean required, long min, long max) {
        return number(key, required, min, max, min + ".." + max);
    }

    private Double number(String key, boolean required, double min, double max, String range) {
        Node value = raw(key);
        String expected = "expected a number in " + range;
        if (value == null) {
            if (required) {
                missing(key, expected);
            }
            return null;
        }
        if (!isScalar(value, Tag.FLOAT) && !isScalar(value, Tag.INT)) {
            problems.add(child(key), value, describe(value) + " is not a number; " + expected);
            return null;
        }
        String text = ((ScalarNode) value).getValue();
        double number;
        try {
            number = new BigDecimal(text).doubleValue();
        } catch (NumberFormatException e) {
            if (!INFINITY_OR_NAN.matcher(text).matches()) {   // an explicit !!float tag on something else
                problems.add(child(key), value, describe(value) + " is not a number; " + expected);
                return null;
            }
            number = Double.NaN;   // outside, whichever it is
        }
        if (!(number >= min && number <= max)) {
            problems.add(child(key), value, ((ScalarNode) value).getValue() + " is outside " + range);
            return null;
        }
        return number;
    }

    /** Whole milliseconds, 0 or more, as in the original format's {@code latencyMs}. */
    Duration millis(String key) {
        Node value = raw(key);
        if (value == null) {
            return null;
        }
        BigInteger number = wholeNumber(value);
        if (number == null) {
            problems.add(child(key), value, describe(value) + " is not a whole number of milliseconds;"
                    + " expected 0 or more");
            return null;
        }
        if (number.signum() < 0) {
            problems.add(child(key), value, number + " is negative; use 0 or more");
            return null;
        }
        if (number.compareTo(BigInteger.valueOf(Check.MAX_DURATION.toMillis())) > 0) {
            problems.add(child(key), value, number + " is too long; at most " + Check.MAX_DURATION.toMillis()
                    + " (1 day)");
            return null;
        }
        return Duration.ofMillis(number.longValue());
    }

    /**
     * A duration given either as {@code key: "250ms"} or as whole milliseconds in its twin {@code keyMs: 250}
     * ({@code key_ms} for a snake_case key such as {@code retransmit_delay}).
     */
    Duration duration(String key, boolean required) {
        String twin = msTwin(key);
        Node text = raw(key);
        Node ms = raw(twin);
        if (text != null && ms != null) {
            problems.add(child(twin), ms, "is given with " + key + " too; give one of them");
            return null;
        }
        if (ms != null) {
            return millis(twin);
        }
        if (text == null) {
            if (required) {
                missing(key, "give it as \"250ms\", \"2s\"..., or as whole milliseconds in " + twin);
            }
            return null;
        }
        if (wholeNumber(text) != null) {
            String number = ((ScalarNode) text).getValue();
            problems.add(child(key), text, number + " has no unit; write \"" + number + "ms\", or use " + twin
                    + " for whole milliseconds");
            return null;
        }
        if (!isScalar(text, Tag.STR)) {
            problems.add(child(key), text, describe(text) + " is not a duration; " + DurationText.EXPECTED);
            return null;
        }
        try {
            return DurationText.parse(((ScalarNode) text).getValue());
        } catch (IllegalArgumentException e) {
            problems.add(child(key), text, e.getMessage());
            return null;
        }
    }

    /** As {@link #duration}, more than zero: a timeout or an interval. */
    Duration positiveDuration(String key, boolean required) {
        Duration duration = duration(key, required);
        if (duration != null && duration.isZero()) {
            String given = has(key) ? key : msTwin(key);
            problems.add(child(given), raw(given), describe(raw(given)) + " is not positive; give more than 0");
            return null;
        }
        return duration;
    }

    static String msTwin(String key) {
        return key.contains("_") ? key + "_ms" : key + "Ms";
    }

    /** The items of a list field; null when absent (recorded if required) or not a list. */
    List<Node> list(String key, boolean required, String expected) {
        Node value = raw(key);
        if (value == null) {
            if (required) {
                missing(key, expected);
            }
            return null;
        }
        if (!(value instanceof SequenceNode sequence) || !value.getTag().equals(Tag.SEQ)) {
            problems.add(child(key), value, describe(value) + " is not a list; " + expected);
            return null;
        }
        return new ArrayList<>(sequence.getValue());
    }

    /** Reports every field not declared by the getters, naming those that are allowed here. */
    void finish() {
        Set<String> allowed = new LinkedHashSet<>();
        known.forEach(key -> allowed.add(lookup(key)));
        for (Map.Entry<String, NodeTuple> field : fields.entrySet()) {
            if (!allowed.contains(field.getKey())) {
                Node key = field.getValue().getKeyNode();
                problems.add(child(((ScalarNode) key).getValue()), key,
                        "is not a known field; allowed here: " + String.join(", ", known));
            }
        }
    }

    private static BigInteger wholeNumber(Node value) {
        if (!isScalar(value, Tag.INT)) {
            return null;
        }
        try {
            return new BigInteger(((ScalarNode) value).getValue());
        } catch (NumberFormatException e) {   // an explicit !!int tag on something else
            return null;
        }
    }

    static boolean isScalar(Node node, Tag tag) {
        return node instanceof ScalarNode && node.getTag().equals(tag);
    }

    /** The value as written, strings quoted, for messages. */
    static String describe(Node node) {
        if (node == null) {
            return "nothing";
        }
        if (node instanceof ScalarNode scalar) {
            if (scalar.getTag().equals(Tag.STR)) {
                return "\"" + scalar.getValue() + "\"";
            }
            if (scalar.getTag().equals(Tag.NULL)) {
                return "null";
            }
            return isStandard(scalar.getTag()) ? scalar.getValue() : scalar.getTag() + " " + scalar.getValue();
        }
        String kind = node instanceof SequenceNode ? "a list" : "an object";
        return isStandard(node.getTag()) ? kind : node.getTag() + " " + kind;
    }

    private static boolean isStandard(Tag tag) {
        return tag.equals(Tag.STR) || tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) || tag.equals(Tag.BOOL)
                || tag.equals(Tag.NULL) || tag.equals(Tag.MAP) || tag.equals(Tag.SEQ);
    }
}
