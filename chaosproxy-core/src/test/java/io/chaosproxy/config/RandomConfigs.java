package io.chaosproxy.config;

import io.chaosproxy.config.ConfigTree.Raw;
import io.chaosproxy.config.ConfigTree.Slot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Random config documents, mostly the valid examples with a few mutations each: values of the wrong type, fields
 * missing, extra or renamed, numbers at and past every bound, odd durations, deep nesting, YAML's tags and
 * aliases, and text cut or garbled after writing. Each document is a function of one {@link Random}, so a
 * failing one replays from its seed.
 */
final class RandomConfigs {
    /** A generated document, and the example it came from. */
    record Document(String text, ConfigFormat format, String origin) {
    }

    private static final List<String> FIELDS = List.of("seed", "bindAddress", "connectTimeout", "connectTimeoutMs",
            "shutdownTimeout", "shutdownTimeoutMs", "acceptBacklog", "eventLoops", "highWaterMark", "routes", "name",
            "localPort", "upstream", "enabled", "dropRate", "latencyMs", "faults", "type", "direction", "toxicity",
            "attributes", "latency", "latencyMs", "jitter", "jitterMs", "rate", "bytesPerSecond", "average_size",
            "size_variation", "delay", "delayMs", "timeout", "timeoutMs", "bytes", "probability", "lifetime",
            "lifetimeMs", "reset", "retransmit_delay", "retransmit_delay_ms", "mode", "localPorts", "upstreams",
            "balancing", "healthCheck", "interval", "circuitBreaker", "failures", "coolDown", "maxConnections",
            "connectionRate", "keepAlive", "preconnect", "upstreamFaults", "Apps", "apps", "Name", "Ports",
            "targets", "loss_rate", "correlation");
    private static final List<Object> NUMBERS = List.of(0, 1, -1, 0.5, 1.0, -0.0, 1.0000001, 65535, 65536,
            Integer.MAX_VALUE, Integer.MAX_VALUE + 1L, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 1000 + 1,
            BigInteger.TWO.pow(64), BigInteger.TEN.pow(40).negate(), 8796093022207L, 8796093022208L, 1e308,
            Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 64 * 1024 - 1);
    private static final List<String> DURATIONS = List.of("0ms", "1ms", "-1ms", "-0s", "1.5s", "0.0000001ns",
            "2562047h", "2562048h", "9223372036854775807ns", "9223372036854775808ns", "106751d", "1e3ms", "5",
            "ms", "5 s", " 5s ", "5sec", "5MS", "PT5S", "1__0ms", "1.ms", ".5s", "5µs", "5us", "٣ms",
            "99999999999999999999h",
            "1.00000000000000000000001s", "");
    private static final List<String> STRINGS = List.of("", " ", "latency", "both", "sideways", "reset", "hang",
            "packet_loss", "noop", "insert",
            "127.0.0.1:0", "[::1]:1", "[::1", "host:-1", ":80", "a:b:c", "localhost:65536", "\u0000", "\t\n",
            "😀:1", "x".repeat(2_000), "null", "true", "0x10", "${HOME}");
    private static final List<Character> SYNTAX = "{}[],:\"'-#&*!|>%@`\n\t ?~0123456789.e".chars()
            .mapToObj(c -> (char) c).toList();
    private static final List<String> RAW = List.of(".nan", ".inf", "-.inf", "0x1F", "0o17", "1_000", "~",
            "!!binary aGk=", "!!int 12", "!!int abc", "!!float abc", "!!bool maybe", "!!str 5", "!custom x",
            "!!java.net.URL [\"http://x\"]", "&anchor 5", "*anchor", "1e999", "-0", "+5", "0.", "{}", "[]",
            "{a: {b: {c: [1, [2, [3]]]}}}", "? [a]\n: 1", "|\n  text", "'single'", "\"\\u0000\"", "\"\\ud800\"");

    private final List<Object> trees = new ArrayList<>();
    private final List<String> texts = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    /** Reads the valid examples that mutations start from. */
    RandomConfigs(Path validExamples) {
        try (Stream<Path> files = Files.list(validExamples)) {
            for (Path file : files.sorted().toList()) {
                String text = Files.readString(file);
                texts.add(text);
                trees.add(ConfigTree.parse(text));
                names.add(file.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Document next(Random random) {
        int example = random.nextInt(trees.size());
        String origin = names.get(example);
        int kind = random.nextInt(20);
        if (kind == 0) {
            return new Document(randomText(random), random.nextBoolean() ? ConfigFormat.JSON : ConfigFormat.YAML,
                    "random text");
        }
        if (kind == 1) {
            return new Document(deepNesting(random), ConfigFormat.YAML, "deep nesting");
        }
        if (kind <= 4) {
            return new Document(garble(texts.get(example), random), ConfigFormat.YAML, origin + ", garbled text");
        }
        List<Object> holder = new ArrayList<>(List.of(ConfigTree.copy(trees.get(example))));   // the root, a slot too
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            mutate(holder, random);
        }
        boolean json = random.nextBoolean();
        String text = json ? ConfigTree.json(holder.get(0)) : ConfigTree.yaml(holder.get(0), random);
        if (random.nextInt(5) == 0) {
            text = garble(text, random);
        }
        return new Document(text, json ? ConfigFormat.JSON : ConfigFormat.YAML, origin + ", " + mutations
                + " mutations");
    }

    @SuppressWarnings("unchecked")
    private void mutate(List<Object> holder, Random random) {
        List<Slot> slots = ConfigTree.slots(holder);
        Slot slot = slots.get(slots.size() == 1 ? 0 : 1 + random.nextInt(slots.size() - 1));   // the root only if alone
        List<Map<Object, Object>> maps = slots.stream().map(Slot::get).filter(Map.class::isInstance)
                .map(map -> (Map<Object, Object>) map).toList();
        Map<Object, Object> map = maps.isEmpty() ? null : maps.get(random.nextInt(maps.size()));
        switch (random.nextInt(12)) {
            case 0, 1 -> slot.set(value(random));
            case 2 -> {   // a field or an element gone
                if (slot.container() instanceof Map<?, ?> parent) {
                    parent.remove(slot.key());
                } else if (slot.container() != holder) {
                    ((List<Object>) slot.container()).remove((int) (Integer) slot.key());
                }
            }
            case 3 -> {
                if (map != null) {
                    map.put(random.nextInt(4) == 0 ? pick(STRINGS, random) : pick(FIELDS, random), value(random));
                }
            }
            case 4 -> {   // a field under the name of another, keeping its value
                if (map != null && !map.isEmpty()) {
                    Object key = pick(new ArrayList<>(map.keySet()), random);
                    map.put(pick(FIELDS, random), map.remove(key));
                }
            }
            case 5 -> {   // one more of something: a second route on the same port, a fault of the same name
                if (slot.get() instanceof List<?> list && !list.isEmpty()) {
                    ((List<Object>) list).add(ConfigTree.copy(pick(list, random)));
                }
            }
            case 6 -> {   // a fault of another type, so its attributes no longer fit
                if (map != null && map.containsKey("type")) {
                    map.put("type", pick(FaultReader.typeNames(), random));
                }
            }
            case 7 -> {   // a value moved to where another was
                slot.set(ConfigTree.copy(slots.get(random.nextInt(slots.size())).get()));
            }
            case 8 -> slot.set(random.nextBoolean() ? pick(NUMBERS, random) : pick(DURATIONS, random));
            default -> tweak(slot, random);
        }
    }

    /** A value changed within its kind, so that the document often stays valid: the values' bounds are tried. */
    private static void tweak(Slot slot, Random random) {
        Object value = slot.get();
        if (value instanceof Number) {
            slot.set(random.nextBoolean() ? pick(NUMBERS, random) : random.nextInt(1 << random.nextInt(31)));
        } else if (value instanceof String text && text.matches("\\d.*")) {
            slot.set(random.nextBoolean() ? pick(DURATIONS, random)
                    : random.nextInt(1 << random.nextInt(31)) + pick(List.of("ns", "us", "ms", "s", "m", "h"), random));
        } else if (value instanceof Boolean flag) {
            slot.set(!flag);
        }
    }

    private static Object value(Random random) {
        return switch (random.nextInt(11)) {
            case 0, 1 -> pick(NUMBERS, random);
            case 2 -> pick(DURATIONS, random);
            case 3 -> pick(STRINGS, random);
            case 4 -> random.nextBoolean();
            case 5 -> null;
            case 6 -> new ArrayList<>(List.of(pick(NUMBERS, random), pick(STRINGS, random)));
            case 7 -> new LinkedHashMap<>(Map.of(pick(FIELDS, random), pick(NUMBERS, random)));
            case 8 -> new Raw(pick(RAW, random));
            case 9 -> random.nextBoolean() ? random.nextLong() >> random.nextInt(64) : random.nextDouble() * 2;
            default -> new Raw(nestedBrackets(random));
        };
    }

    private static String nestedBrackets(Random random) {
        int depth = random.nextInt(4) == 0 ? 100 + random.nextInt(20_000) : 1 + random.nextInt(20);
        return random.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth)
                : "{a: ".repeat(depth) + "1" + "}".repeat(depth);
    }

    /** A whole document nested in block style: lists on one line, objects one indentation a level. */
    private static String deepNesting(Random random) {
        if (random.nextBoolean()) {
            return "- ".repeat(10 + random.nextInt(20_000)) + "1\n";
        }
        int depth = 10 + random.nextInt(300);   // the text grows with the square of the depth
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            text.append(" ".repeat(i)).append("k:\n");
        }
        return text.append(" ".repeat(depth)).append("1\n").toString();
    }

    /** The text cut, or with characters inserted, deleted or swapped, or a line doubled. */
    private static String garble(String text, Random random) {
        StringBuilder out = new StringBuilder(text);
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits && out.length() > 0; i++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(5)) {
                case 0 -> out.setLength(at);
                case 1 -> out.insert(at, pick(SYNTAX, random));
                case 2 -> out.delete(at, Math.min(out.length(), at + 1 + random.nextInt(10)));
                case 3 -> out.insert(at, (char) random.nextInt(0x3000));
                default -> {
                    int lineStart = out.lastIndexOf("\n", at) + 1;
                    int lineEnd = out.indexOf("\n", at);
                    String line = out.substring(lineStart, lineEnd < 0 ? out.length() : lineEnd + 1);
                    out.insert(lineStart, line.endsWith("\n") ? line : line + "\n");
                }
            }
        }
        return out.toString();
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(200);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(3) == 0 ? (char) (0x20 + random.nextInt(0x60)) : (char) pick(SYNTAX, random));
        }
        return text.toString();
    }

    private static <T> T pick(List<T> list, Random random) {
        return list.get(random.nextInt(list.size()));
    }
}
