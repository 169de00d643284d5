package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random admin requests that change things: a valid body for {@code POST /proxies}, {@code /proxies/echo},
 * {@code /proxies/echo/toxics}, {@code /proxies/echo/toxics/{toxic}} or {@code /populate}, mutated (wrong types,
 * fields missing, extra or renamed, numbers past every bound, deep nesting), garbled as text, or random bytes.
 * Ports in bodies are only 0 and ports the test holds (the echo proxy's, the admin API's, the upstream's), so
 * no request binds a fixed port. Each request is a function of one {@link Random}, so a failing one replays.
 */
final class RandomAdminRequests {
    /** What a request may name: the proxy's current port and the ports that are always taken. */
    record Ports(int echo, int admin, int upstream) {
    }

    /** A request and how it was made. */
    record Call(String method, String path, byte[] body, String origin) {
        String bodyText() {
            String text = new String(body, StandardCharsets.UTF_8);
            return text.length() > 500 ? text.substring(0, 500) + "... (" + body.length + " bytes)" : text;
        }
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> FIELDS = List.of("name", "listen", "upstream", "enabled", "toxics", "type",
            "stream", "toxicity", "attributes", "latency", "jitter", "rate", "delay", "timeout", "average_size",
            "size_variation", "bytes", "probability", "retransmit_delay", "lifetime", "reset", "mode", "proxies");
    private static final Map<String, String> TOXICS = Map.ofEntries(
            Map.entry("latency", "{\"latency\":100,\"jitter\":10}"), Map.entry("bandwidth", "{\"rate\":100}"),
            Map.entry("slow_close", "{\"delay\":100}"), Map.entry("timeout", "{\"timeout\":100}"),
            Map.entry("reset_peer", "{\"timeout\":100}"), Map.entry("limit_data", "{\"bytes\":1000}"),
            Map.entry("slicer", "{\"average_size\":100,\"size_variation\":10,\"delay\":10}"),
            Map.entry("corrupt", "{\"probability\":0.1}"), Map.entry("terminate", "{\"probability\":0.1}"),
            Map.entry("loss", "{\"probability\":0.1,\"retransmit_delay\":200}"),
            Map.entry("max_lifetime", "{\"lifetime\":1000,\"reset\":true}"),
            Map.entry("connect_delay", "{\"delay\":100}"),
            Map.entry("drop", "{\"probability\":0.1,\"mode\":\"reset\"}"));
    private static final List<String> TYPES = TOXICS.keySet().stream().sorted().toList();
    private static final List<JsonNode> NUMBERS = List.of(NODES.numberNode(0), NODES.numberNode(-1),
            NODES.numberNode(1), NODES.numberNode(0.5), NODES.numberNode(1.0000001), NODES.numberNode(-0.0),
            NODES.numberNode(65535), NODES.numberNode(65536), NODES.numberNode(Integer.MAX_VALUE),
            NODES.numberNode(Integer.MAX_VALUE + 1L), NODES.numberNode(Long.MAX_VALUE),
            NODES.numberNode(Long.MIN_VALUE), NODES.numberNode(Long.MAX_VALUE / 1000 + 1),
            NODES.numberNode(BigInteger.TWO.pow(64)), NODES.numberNode(new BigDecimal("1e400")),
            NODES.numberNode(new BigDecimal("-1e-400")), NODES.numberNode(9.0e15), NODES.numberNode(1e308),
            NODES.numberNode(4.9e-324));
    private static final List<String> STRINGS = List.of("", " ", "echo", "lat", "latency", "upstream",
            "downstream", "both", "BOTH", "sideways", "close", "hang", "127.0.0.1:0", ":0", "[::1]:0", "0.0.0.0:0",
            "localhost:0", "x:70000", "x:-1", "nocolon", "a:b:c", "[::1", "\u0000", "é", "😀", "x".repeat(5_000),
            "true", "1e3", "../..", "%2F");

    Call next(Random random, Ports ports, String upstream) {
        int kind = random.nextInt(20);
        if (kind == 0) {
            byte[] bytes = new byte[random.nextInt(300)];
            random.nextBytes(bytes);
            return new Call("POST", pick(List.of("/proxies", "/proxies/echo", "/proxies/echo/toxics",
                    "/proxies/echo/toxics/lat", "/populate"), random), bytes, "random bytes");
        }
        if (kind == 1) {   // deeper than Jackson writes a tree, so as text
            int depth = 1_000 + random.nextInt(10_000);
            return new Call("POST", "/proxies/echo/toxics", bytes("{\"type\":\"latency\",\"attributes\":"
                    + "[".repeat(depth) + "]".repeat(depth) + "}"), "deep nesting");
        }
        Call template = template(random, ports, upstream);
        JsonNode root = parse(new String(template.body(), StandardCharsets.UTF_8));
        ArrayNode holder = NODES.arrayNode().add(root);   // the root, a slot too
        int mutations = random.nextInt(4);
        for (int i = 0; i < mutations; i++) {
            mutate(holder, random, ports);
        }
        String text = holder.get(0).toString();
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        String origin = template.origin() + ", " + mutations + " mutations";
        if (kind <= 4) {
            body = garble(body, random);
            origin += ", garbled";
        }
        return new Call(template.method(), template.path(), body, origin);
    }

    private static Call template(Random random, Ports ports, String upstream) {
        List<Integer> taken = List.of(ports.echo(), ports.admin(), ports.upstream());
        String proxy = "{\"name\":\"p" + random.nextInt(3) + "\",\"listen\":\"127.0.0.1:"
                + (random.nextInt(4) == 0 ? pick(taken, random) : 0) + "\",\"upstream\":\"" + upstream
                + "\",\"enabled\":true,\"toxics\":[" + toxic(random) + "]}";
        return switch (random.nextInt(5)) {
            case 0 -> new Call("POST", "/proxies", bytes(proxy), "new proxy");
            case 1 -> new Call(random.nextBoolean() ? "POST" : "PATCH", "/proxies/echo",
                    bytes("{\"name\":\"echo\",\"listen\":\"127.0.0.1:"
                            + (random.nextBoolean() ? 0 : pick(taken, random)) + "\",\"upstream\":\"" + upstream
                            + "\",\"enabled\":" + random.nextBoolean() + "}"),
                    "proxy update");
            case 2 -> new Call("POST", "/proxies/echo/toxics", bytes(toxic(random)), "new toxic");
            case 3 -> {
                String name = pick(List.of("lat", "bw", "nope"), random);
                yield new Call(random.nextBoolean() ? "POST" : "PATCH", "/proxies/echo/toxics/" + name,
                        bytes("{\"name\":\"" + name + "\",\"toxicity\":0.5,\"attributes\":"
                                + TOXICS.get(name.equals("bw") ? "bandwidth" : "latency") + "}"), "toxic update");
            }
            default -> new Call("POST", "/populate", bytes("[" + proxy + ",{\"name\":\"echo\",\"listen\":\"127.0.0.1:"
                    + ports.echo() + "\",\"upstream\":\"" + upstream + "\"}]"), "populate");
        };
    }

    private static String toxic(Random random) {
        String type = pick(TYPES, random);
        return "{\"name\":\"t" + random.nextInt(3) + "\",\"type\":\"" + type + "\",\"stream\":\""
                + pick(List.of("upstream", "downstream", "both"), random) + "\",\"toxicity\":" + random.nextDouble()
                + ",\"attributes\":" + TOXICS.get(type) + "}";
    }

    private static void mutate(ArrayNode holder, Random random, Ports ports) {
        List<Slot> slots = new ArrayList<>();
        collect(holder, slots);
        Slot slot = slots.get(slots.size() == 1 ? 0 : 1 + random.nextInt(slots.size() - 1));   // the root only if alone
        switch (random.nextInt(10)) {
            case 0, 1 -> slot.set(value(random, ports));
            case 2 -> slot.remove(holder);
            case 3 -> {
                if (slot.get() instanceof ObjectNode object) {
                    object.set(pick(FIELDS, random), value(random, ports));
                }
            }
            case 4 -> {   // a field under the name of another, keeping its value
                if (slot.container() instanceof ObjectNode object) {
                    object.set(pick(FIELDS, random), object.remove((String) slot.key()));
                }
            }
            case 5 -> {   // one more of something: a toxic or a proxy of the same name
                if (slot.get() instanceof ArrayNode array && !array.isEmpty()) {
                    array.add(array.get(random.nextInt(array.size())).deepCopy());
                }
            }
            case 6 -> {
                if (slot.get() instanceof ObjectNode object && object.has("type")) {
                    object.put("type", pick(TYPES, random));   // the attributes no longer fit
                }
            }
            case 7 -> slot.set(slots.get(random.nextInt(slots.size())).get().deepCopy());
            default -> {   // a number at or past a bound, where a number belongs
                if (slot.get().isNumber()) {
                    slot.set(random.nextBoolean() ? pick(NUMBERS, random)
                            : NODES.numberNode(random.nextLong() >> random.nextInt(64)));
                }
            }
        }
    }

    private static JsonNode value(Random random, Ports ports) {
        return switch (random.nextInt(9)) {
            case 0, 1 -> pick(NUMBERS, random);
            case 2 -> NODES.textNode(pick(STRINGS, random));
            case 3 -> NODES.textNode("127.0.0.1:" + pick(List.of(0, ports.echo(), ports.admin(), ports.upstream()),
                    random));   // every port here is 0 or taken
            case 4 -> NODES.booleanNode(random.nextBoolean());
            case 5 -> NODES.nullNode();
            case 6 -> NODES.arrayNode().add(pick(NUMBERS, random)).add(pick(STRINGS, random));
            case 7 -> NODES.objectNode().put(pick(FIELDS, random), random.nextInt());
            default -> nested(random.nextInt(4) == 0 ? 500 + random.nextInt(400) : 1 + random.nextInt(20));
        };
    }

    private static JsonNode nested(int depth) {
        JsonNode node = NODES.numberNode(1);
        for (int i = 0; i < depth; i++) {
            node = i % 2 == 0 ? NODES.arrayNode().add(node) : NODES.objectNode().set("a", node);
        }
        return node;
    }

    /**
     * The body cut, or with a byte inserted or deleted (never a digit or a minus, so that a port stays 0 or one
     * the test holds), or a field given twice.
     */
    private static byte[] garble(byte[] body, Random random) {
        List<Byte> bytes = new ArrayList<>();
        for (byte b : body) {
            bytes.add(b);
        }
        int at = bytes.isEmpty() ? 0 : random.nextInt(bytes.size());
        switch (random.nextInt(4)) {
            case 0 -> bytes.subList(at, bytes.size()).clear();
            case 1 -> bytes.add(at, (byte) pick(List.of('{', '}', '[', ']', ',', ':', '"', '\\', ' ', 'x', '\n',
                    (char) 0xC3, (char) 0xFF, (char) 0x00), random).charValue());
            case 2 -> {
                byte b = bytes.isEmpty() ? (byte) '0' : bytes.get(at);
                if ((b < '0' || b > '9') && b != '-') {   // "x:-1" must not become port 1
                    bytes.remove(at);
                }
            }
            default -> {
                int brace = bytes.indexOf((byte) '{');
                byte[] twice = "\"name\":\"x\",\"name\":\"y\",".getBytes(StandardCharsets.UTF_8);
                for (int i = twice.length - 1; i >= 0 && brace >= 0; i--) {
                    bytes.add(brace + 1, twice[i]);
                }
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }

    /** A place in a JSON tree: a field of an object or an element of an array. */
    private record Slot(ContainerNode<?> container, Object key) {
        JsonNode get() {
            return container instanceof ObjectNode object ? object.get((String) key)
                    : ((ArrayNode) container).get((Integer) key);
        }

        void set(JsonNode value) {
            if (container instanceof ObjectNode object) {
                object.set((String) key, value);
            } else {
                ((ArrayNode) container).set((Integer) key, value);
            }
        }

        void remove(ArrayNode holder) {
            if (container instanceof ObjectNode object) {
                object.remove((String) key);
            } else if (container != holder) {
                ((ArrayNode) container).remove((Integer) key);
            }
        }
    }

    private static void collect(JsonNode node, List<Slot> slots) {
        if (node instanceof ObjectNode object) {
            for (String name : List.copyOf(iterable(object))) {
                slots.add(new Slot(object, name));
                collect(object.get(name), slots);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                slots.add(new Slot(array, i));
                collect(array.get(i), slots);
            }
        }
    }

    private static List<String> iterable(ObjectNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static JsonNode parse(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a template is not JSON: " + json, e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T pick(List<T> list, Random random) {
        return list.get(random.nextInt(list.size()));
    }
}
