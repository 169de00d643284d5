package io.chaosproxy.cli.admin;

import static java.time.temporal.ChronoUnit.MICROS;
import static java.time.temporal.ChronoUnit.MILLIS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.fault.Bandwidth;
import io.chaosproxy.fault.ConnectDelay;
import io.chaosproxy.fault.Corrupt;
import io.chaosproxy.fault.Drop;
import io.chaosproxy.fault.DropMode;
import io.chaosproxy.fault.Envelope;
import io.chaosproxy.fault.Latency;
import io.chaosproxy.fault.LimitData;
import io.chaosproxy.fault.Loss;
import io.chaosproxy.fault.MaxLifetime;
import io.chaosproxy.fault.ResetPeer;
import io.chaosproxy.fault.Slicer;
import io.chaosproxy.fault.SlowClose;
import io.chaosproxy.fault.Terminate;
import io.chaosproxy.fault.Timeout;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Toxiproxy toxics to and from our {@link Fault}s: every toxic type with its attributes, units and the defaults
 * an omitted attribute takes (Go's zero values, as in Toxiproxy), plus our extra types.
 */
final class Toxics {
    static final Set<String> CREATE_FIELDS = Set.of("name", "type", "stream", "toxicity", "attributes");

    private enum Kind { INTEGER, NUMBER, BOOLEAN, STRING }

    private record Attr(String name, Kind kind, Object fallback) {
    }

    /**
     * One toxic type: its attributes and how a fault is made from them. {@code maker} gets the attributes a
     * request gave and the fault being changed; an attribute not given keeps that fault's exact value (on
     * create every attribute is given, its default at least, and there is no fault yet).
     */
    private record Type<F extends Fault>(String name, Class<F> value, List<Attr> attrs, Maker<F> maker) {
        Fault make(Given given, Fault current) {
            return maker.make(given, current == null ? null : value.cast(current));
        }
    }

    @FunctionalInterface
    private interface Maker<F extends Fault> {
        Fault make(Given given, F current);
    }

    private static final Map<String, Type<?>> TYPES = new LinkedHashMap<>();

    static {
        type("latency", Latency.class, (a, f) -> Fault.latency(a.duration("latency", MILLIS, () -> f.delay()))
                .jitter(a.duration("jitter", MILLIS, () -> f.jitter())), integer("latency"), integer("jitter"));
        type("bandwidth", Bandwidth.class,
                (a, f) -> Fault.bandwidth(a.bytesPerSecond("rate", () -> f.bytesPerSecond())),
                integer("rate"));   // KB/s, 1 KB = 1000 bytes
        type("slow_close", SlowClose.class, (a, f) -> Fault.slowClose(a.duration("delay", MILLIS, () -> f.delay())),
                integer("delay"));
        type("timeout", Timeout.class, (a, f) -> Fault.timeout(a.duration("timeout", MILLIS, () -> f.timeout())),
                integer("timeout"));
        type("reset_peer", ResetPeer.class,
                (a, f) -> Fault.resetPeer(a.duration("timeout", MILLIS, () -> f.timeout())), integer("timeout"));
        type("slicer", Slicer.class, (a, f) -> Fault.slicer(a.size("average_size", () -> f.averageSize()),
                        a.size("size_variation", () -> f.sizeVariation()),
                        a.duration("delay", MICROS, () -> f.delay())),
                integer("average_size"), integer("size_variation"), integer("delay"));
        type("limit_data", LimitData.class, (a, f) -> Fault.limitData(a.lng("bytes", () -> f.bytes())),
                integer("bytes"));
        type("corrupt", Corrupt.class, (a, f) -> Fault.corrupt(a.dbl("probability", () -> f.probability())),
                number("probability"));
        type("terminate", Terminate.class, (a, f) -> Fault.terminate(a.dbl("probability", () -> f.probability())),
                number("probability"));
        type("loss", Loss.class, (a, f) -> Fault.loss(a.dbl("probability", () -> f.probability()))
                        .retransmitDelay(a.duration("retransmit_delay", MILLIS, () -> f.retransmitDelay())),
                number("probability"), new Attr("retransmit_delay", Kind.INTEGER, 200L));
        type("max_lifetime", MaxLifetime.class,
                (a, f) -> Fault.maxLifetime(a.duration("lifetime", MILLIS, () -> f.lifetime()))
                        .reset(a.bool("reset", () -> f.reset())),
                integer("lifetime"), new Attr("reset", Kind.BOOLEAN, false));
        type("connect_delay", ConnectDelay.class,
                (a, f) -> Fault.connectDelay(a.duration("delay", MILLIS, () -> f.delay())), integer("delay"));
        type("drop", Drop.class, (a, f) -> Fault.drop(a.dbl("probability", () -> f.probability()))
                        .mode(dropMode(a.text("mode", () -> f.mode().wireName()))),
                number("probability"), new Attr("mode", Kind.STRING, "close"));
    }

    private Toxics() {
    }

    /** Every toxic type we take, Toxiproxy's first. */
    static Set<String> types() {
        return TYPES.keySet();
    }

    /**
     * A new fault from a toxic's JSON ({@code POST /proxies/{p}/toxics}, or a toxic inside a populate entry).
     * Defaults are Toxiproxy's: name {@code <type>_<stream>}, stream downstream, toxicity 1.0.
     */
    static Fault parse(JsonNode json, String where) {
        ObjectNode node = Json.object(json, where, CREATE_FIELDS);
        String typeName = Json.text(node, "type", where);
        Type<?> type = typeName == null ? null : TYPES.get(typeName);
        if (type == null) {
            throw ApiException.badRequest("invalid toxic type" + (typeName == null ? ": type is missing" : ": "
                    + typeName) + "; known: " + String.join(", ", TYPES.keySet()));
        }
        String name = Json.text(node, "name", where);
        Direction direction = stream(Json.text(node, "stream", where));
        double toxicity = Json.number(node, "toxicity", where, 1.0);
        Map<String, Object> attributes = defaults(type);
        overlay(type, attributes, node.get("attributes"), where);
        Envelope envelope = envelope(name, direction, toxicity);
        return make(type, attributes, null, name != null ? name : typeName + "_" + direction.wireName())
                .withEnvelope(envelope);
    }

    /**
     * {@code fault} with an update applied: the attributes given replace its own, toxicity is kept unless given;
     * name, type and stream cannot change. What the request does not mention keeps the fault's exact value, not
     * the value its JSON shows ({@code rate} in whole KB/s would turn 500 B/s into 0).
     */
    static Fault update(Fault fault, JsonNode json) {
        ObjectNode node = Json.object(json, "", CREATE_FIELDS);
        Type<?> type = TYPES.get(fault.type());
        if (type == null) {
            throw ApiException.badRequest("toxic '" + fault.name() + "' of type " + fault.type()
                    + " cannot be changed through the admin API");
        }
        unchanged(node, "name", fault.name());
        unchanged(node, "type", fault.type());
        String stream = Json.text(node, "stream", "");
        if (stream != null && stream(stream) != fault.direction()) {
            throw ApiException.badRequest("stream cannot be changed (toxic '" + fault.name() + "' is "
                    + fault.direction().wireName() + "); remove the toxic and add it again");
        }
        double toxicity = Json.number(node, "toxicity", "", fault.toxicity());
        Map<String, Object> attributes = new LinkedHashMap<>();
        overlay(type, attributes, node.get("attributes"), "");
        Envelope envelope = envelope(fault.envelope().name(), fault.direction(), toxicity);
        return make(type, attributes, fault, fault.name()).withEnvelope(envelope);
    }

    /** The toxic's JSON as Toxiproxy writes it: attributes (every one, as numbers), name, type, stream, toxicity. */
    static ObjectNode json(Fault fault) {
        ObjectNode node = Json.objectNode();
        ObjectNode attributes = node.putObject("attributes");
        Type<?> type = TYPES.get(fault.type());
        Map<String, Object> values = type != null ? shown(type, fault) : new LinkedHashMap<>(fault.attributes());
        values.forEach((key, value) -> attributes.set(key, Json.MAPPER.valueToTree(value)));
        node.put("name", fault.name());
        node.put("type", fault.type());
        node.put("stream", fault.direction().wireName());
        node.put("toxicity", fault.toxicity());
        return node;
    }

    /** {@code upstream}, {@code downstream} (the default) or our {@code both}, in any case. */
    static Direction stream(String stream) {
        if (stream == null || stream.isEmpty()) {
            return Direction.DOWNSTREAM;
        }
        try {
            return Direction.valueOf(stream.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("stream was invalid, can be either upstream or downstream (or both): "
                    + stream);
        }
    }

    private static void unchanged(ObjectNode node, String field, String current) {
        String given = Json.text(node, field, "");
        if (given != null && !given.equals(current)) {
            throw ApiException.badRequest(field + " cannot be changed (toxic '" + current + "'"
                    + (field.equals("name") ? "" : " is " + current) + "); remove the toxic and add another");
        }
    }

    private static Envelope envelope(String name, Direction direction, double toxicity) {
        if (!(toxicity >= 0.0 && toxicity <= 1.0)) {
            throw ApiException.badRequest("toxicity " + toxicity + " is outside 0.0..1.0");
        }
        if (name != null && name.isBlank()) {
            throw ApiException.badRequest("toxic name is blank; give a name or leave it out for <type>_<stream>");
        }
        return new Envelope(name, direction, toxicity);
    }

    private static Fault make(Type<?> type, Map<String, Object> attributes, Fault current, String name) {
        try {
            return type.make(new Given(attributes), current);
        } catch (IllegalArgumentException | ArithmeticException | NullPointerException e) {
            throw ApiException.badRequest("toxic '" + name + "': " + e.getMessage() + "; attributes: " + attributes);
        }
    }

    private static Map<String, Object> defaults(Type<?> type) {
        Map<String, Object> values = new LinkedHashMap<>();
        type.attrs().forEach(attr -> values.put(attr.name(), attr.fallback()));
        return values;
    }

    /** The fault's attributes as its JSON shows them, in the type's order, as Long, Double, Boolean or String. */
    private static Map<String, Object> shown(Type<?> type, Fault fault) {
        Map<String, Object> given = fault.attributes();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Attr attr : type.attrs()) {
            Object value = given.getOrDefault(attr.name(), attr.fallback());
            values.put(attr.name(), switch (attr.kind()) {
                case INTEGER -> ((Number) value).longValue();
                case NUMBER -> ((Number) value).doubleValue();
                case BOOLEAN, STRING -> value;
            });
        }
        return values;
    }

    private static void overlay(Type<?> type, Map<String, Object> values, JsonNode json, String where) {
        if (json == null || json.isNull()) {
            return;
        }
        String prefix = where.isEmpty() ? "attributes" : where + ".attributes";
        if (!json.isObject()) {
            throw ApiException.badRequest("bad request body: " + prefix + " is " + Json.kind(json)
                    + "; expected a JSON object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Attr attr = type.attrs().stream().filter(a -> a.name().equals(field.getKey())).findFirst()
                    .orElseThrow(() -> ApiException.badRequest("bad request body: " + prefix + "." + field.getKey()
                            + " is not an attribute of " + type.name() + "; known: "
                            + type.attrs().stream().map(Attr::name).toList()));
            values.put(attr.name(), value(attr, field.getValue(), prefix));
        }
    }

    private static Object value(Attr attr, JsonNode value, String prefix) {
        return switch (attr.kind()) {
            case INTEGER -> {
                if (value.isIntegralNumber()) {
                    if (value.canConvertToLong()) {
                        yield value.asLong();
                    }
                    throw outOfRange(prefix, attr, value, "expected a whole number within 64 bits");
                }
                if (value.isNumber() && value.asDouble() == Math.rint(value.asDouble())) {
                    if (Math.abs(value.asDouble()) < 9.0e15) {   // beyond, a double no longer holds every whole number
                        yield (long) value.asDouble();
                    }
                    throw outOfRange(prefix, attr, value, "a fraction or exponent this large is not exact;"
                            + " write the digits");
                }
                throw Json.wrongType(prefix, attr.name(), value, "a whole number");
            }
            case NUMBER -> {
                if (!value.isNumber()) {
                    throw Json.wrongType(prefix, attr.name(), value, "a number");
                }
                yield value.asDouble();
            }
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw Json.wrongType(prefix, attr.name(), value, "true or false");
                }
                yield value.asBoolean();
            }
            case STRING -> {
                if (!value.isTextual()) {
                    throw Json.wrongType(prefix, attr.name(), value, "a string");
                }
                yield value.asText();
            }
        };
    }

    private static ApiException outOfRange(String prefix, Attr attr, JsonNode value, String allowed) {
        return ApiException.badRequest("bad request body: " + prefix + "." + attr.name() + ": " + value + " is too "
                + (value.asDouble() < 0 ? "small" : "large") + "; " + allowed);
    }

    private static <F extends Fault> void type(String name, Class<F> value, Maker<F> make, Attr... attrs) {
        TYPES.put(name, new Type<>(name, value, List.of(attrs), make));
    }

    private static Attr integer(String name) {
        return new Attr(name, Kind.INTEGER, 0L);
    }

    private static Attr number(String name) {
        return new Attr(name, Kind.NUMBER, 0.0);
    }

    private static DropMode dropMode(String mode) {
        return Arrays.stream(DropMode.values()).filter(m -> m.wireName().equals(mode)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("drop mode \"" + mode + "\" is not one of "
                        + Arrays.stream(DropMode.values()).map(DropMode::wireName).toList()));
    }

    /**
     * The attributes a request gave (Long, Double, Boolean or String, in the units the JSON uses); each getter
     * falls back to the current fault's own value for one the request did not give.
     */
    private record Given(Map<String, Object> values) {
        long lng(String name, LongSupplier current) {
            Object value = values.get(name);
            return value == null ? current.getAsLong() : (Long) value;
        }

        /** Toxiproxy's KB/s (1 KB = 1000 bytes) as bytes/s, checked in the unit given, before it can overflow. */
        long bytesPerSecond(String name, LongSupplier current) {
            Object value = values.get(name);
            if (value == null) {
                return current.getAsLong();
            }
            long kilobytes = (Long) value;
            long max = Bandwidth.MAX_BYTES_PER_SECOND / 1000;
            if (kilobytes < 0 || kilobytes > max) {
                throw new IllegalArgumentException(name + " " + kilobytes + " KB/s is outside 0.." + max + " (1 TB/s)");
            }
            return kilobytes * 1000;
        }

        /** A slicer size; one past an int is refused here, the fault checks the rest against its own maximum. */
        int size(String name, IntSupplier current) {
            Object value = values.get(name);
            if (value == null) {
                return current.getAsInt();
            }
            long size = (Long) value;
            if (size < 0 || size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(name + " " + size + " bytes is outside 0.." + Slicer.MAX_SIZE);
            }
            return (int) size;
        }

        /** Any whole number of milliseconds or microseconds is a Duration; the fault checks it against its maximum. */
        Duration duration(String name, ChronoUnit unit, Supplier<Duration> current) {
            Object value = values.get(name);
            return value == null ? current.get() : Duration.of((Long) value, unit);
        }

        double dbl(String name, DoubleSupplier current) {
            Object value = values.get(name);
            return value == null ? current.getAsDouble() : (Double) value;
        }

        boolean bool(String name, BooleanSupplier current) {
            Object value = values.get(name);
            return value == null ? current.getAsBoolean() : (Boolean) value;
        }

        String text(String name, Supplier<String> current) {
            Object value = values.get(name);
            return value == null ? current.get() : (String) value;
        }
    }
}
