package io.chaosproxy.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.schema.JsonSchema;

/**
 * A config document as plain Java values (maps, lists, strings, numbers, booleans, null), to be mutated and
 * written back as JSON or YAML. A {@link Raw} value is written exactly as given, so that a document can hold
 * what no writer would produce: {@code .nan}, tags, aliases, a thousand nested brackets.
 */
final class ConfigTree {
    /** Text written into the document as it is. */
    record Raw(String text) {
    }

    /** One place in a tree: an entry of a map or an element of a list. */
    record Slot(Object container, Object key) {
        Object get() {
            return container instanceof Map<?, ?> map ? map.get(key) : ((List<?>) container).get((Integer) key);
        }

        @SuppressWarnings("unchecked")
        void set(Object value) {
            if (container instanceof Map<?, ?> map) {
                ((Map<Object, Object>) map).put(key, value);
            } else {
                ((List<Object>) container).set((Integer) key, value);
            }
        }
    }

    private static final List<Dump> DUMPS = Stream.of(FlowStyle.values())
            .map(style -> new Dump(DumpSettings.builder().setDefaultFlowStyle(style).build())).toList();

    private ConfigTree() {
    }

    static Object parse(String text) {
        return new Load(LoadSettings.builder().setSchema(new JsonSchema()).build()).loadFromString(text);
    }

    @SuppressWarnings("unchecked")
    static Object copy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put(key, copy(item)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(copy(item)));
            return copy;
        }
        return value;
    }

    /** Every slot under {@code container}, itself excluded, parents before children. */
    static List<Slot> slots(Object container) {
        List<Slot> slots = new ArrayList<>();
        collect(container, slots);
        return slots;
    }

    private static void collect(Object value, List<Slot> slots) {
        if (value instanceof Map<?, ?> map) {
            for (Object key : new ArrayList<>(map.keySet())) {
                slots.add(new Slot(map, key));
                collect(map.get(key), slots);
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                slots.add(new Slot(list, i));
                collect(list.get(i), slots);
            }
        }
    }

    /** JSON, except that numbers JSON cannot hold are written as {@code NaN} or {@code Infinity} (strings to YAML). */
    static String json(Object value) {
        StringBuilder out = new StringBuilder();
        json(value, out);
        return out.toString();
    }

    private static void json(Object value, StringBuilder out) {
        if (value instanceof Map<?, ?> map) {
            out.append('{');
            String separator = "";
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.append(separator);
                json(entry.getKey(), out);
                out.append(": ");
                json(entry.getValue(), out);
                separator = ", ";
            }
            out.append('}');
        } else if (value instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ", ");
                json(list.get(i), out);
            }
            out.append(']');
        } else if (value instanceof String text) {
            quote(text, out);
        } else if (value instanceof Raw raw) {
            out.append(raw.text());
        } else {
            out.append(value);   // null, booleans, numbers
        }
    }

    private static void quote(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** YAML in a random style (block, flow or mixed); {@link Raw} values go in unquoted. */
    static String yaml(Object value, Random random) {
        List<String> raws = new ArrayList<>();
        Object marked = markRaws(value, raws);
        String text = DUMPS.get(random.nextInt(DUMPS.size())).dumpToString(marked);
        for (int i = 0; i < raws.size(); i++) {
            text = text.replace(marker(i), raws.get(i));
        }
        return text;
    }

    private static Object markRaws(Object value, List<String> raws) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> marked = new LinkedHashMap<>();
            map.forEach((key, item) -> marked.put(markRaws(key, raws), markRaws(item, raws)));
            return marked;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(item -> markRaws(item, raws)).toList();
        }
        if (value instanceof Raw raw) {
            raws.add(raw.text());
            return marker(raws.size() - 1);
        }
        return value;
    }

    /** A plain scalar that YAML writes unquoted; the z keeps rawtoken1 from matching inside rawtoken10. */
    private static String marker(int index) {
        return "rawtoken" + index + "z";
    }
}
