package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.fault.Envelope;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import io.chaosproxy.spi.FaultTypes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Toxiproxy toxics to and from our {@link Fault}s, as each fault's {@link FaultType} declares them: Toxiproxy's
 * attribute names and units, and the defaults an omitted attribute takes (Go's zero values, as in Toxiproxy,
 * unless the type declares a default). Every registered type is a toxic type, ours and a user's too.
 */
final class Toxics {
    static final Set<String> CREATE_FIELDS = Set.of("name", "type", "stream", "toxicity", "attributes");

    private Toxics() {
    }

    /** Every toxic type we take, Toxiproxy's first. */
    static List<String> types() {
        return FaultTypes.all().stream().map(FaultType::name).toList();
    }

    /**
     * A new fault from a toxic's JSON ({@code POST /proxies/{p}/toxics}, or a toxic inside a populate entry).
     * Defaults are Toxiproxy's: name {@code <type>_<stream>}, stream downstream, toxicity 1.0.
     */
    static Fault parse(JsonNode json, String where) {
        ObjectNode node = Json.object(json, where, CREATE_FIELDS);
        String typeName = Json.text(node, "type", where);
        FaultType<?> type = typeName == null ? null : FaultTypes.named(typeName).orElse(null);
        if (type == null) {
            throw ApiException.badRequest("invalid toxic type" + (typeName == null ? ": type is missing" : ": "
                    + typeName) + "; known: " + String.join(", ", types()));
        }
        String name = Json.text(node, "name", where);
        Direction direction = stream(Json.text(node, "stream", where));
        double toxicity = Json.number(node, "toxicity", where, 1.0);
        Map<String, Object> attributes = new LinkedHashMap<>();   // what is left out: its default, or zero
        String shownName = name != null ? name : typeName + "_" + direction.wireName();
        overlay(type, attributes, node.get("attributes"), where, shownName);
        Envelope envelope = envelope(name, direction, toxicity);
        return make(type, attributes, shownName).withEnvelope(envelope);
    }

    /**
     * {@code fault} with an update applied: the attributes given replace its own, toxicity is kept unless given;
     * name, type and stream cannot change. What the request does not mention keeps the fault's exact value, not
     * the value its JSON shows ({@code rate} in whole KB/s would turn 500 B/s into 0).
     */
    static Fault update(Fault fault, JsonNode json) {
        ObjectNode node = Json.object(json, "", CREATE_FIELDS);
        FaultType<?> type = FaultTypes.of(fault);
        unchanged(node, "name", fault.name());
        unchanged(node, "type", fault.type());
        String stream = Json.text(node, "stream", "");
        if (stream != null && stream(stream) != fault.direction()) {
            throw ApiException.badRequest("stream cannot be changed (toxic '" + fault.name() + "' is "
                    + fault.direction().wireName() + "); remove the toxic and add it again");
        }
        double toxicity = Json.number(node, "toxicity", "", fault.toxicity());
        Map<String, Object> attributes = new LinkedHashMap<>(type.describe(fault));   // exact, in our units
        overlay(type, attributes, node.get("attributes"), "", fault.name());
        Envelope envelope = envelope(fault.envelope().name(), fault.direction(), toxicity);
        return make(type, attributes, fault.name()).withEnvelope(envelope);
    }

    /**
     * The toxic's JSON as Toxiproxy writes it: attributes (as numbers; every one Toxiproxy has, ours where the
     * fault shows them, see {@link Fault#attributes()}), name, type, stream, toxicity.
     */
    static ObjectNode json(Fault fault) {
        ObjectNode node = Json.objectNode();
        ObjectNode attributes = node.putObject("attributes");
        Map<String, Object> values = fault.attributes();
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

    private static Fault make(FaultType<?> type, Map<String, Object> attributes, String name) {
        try {
            return type.make(attributes);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ApiException.badRequest("toxic '" + name + "': " + e.getMessage() + "; attributes: "
                    + shown(type, attributes));
        }
    }

    /** The attributes a request led to, in Toxiproxy's names, for a message. */
    private static Map<String, Object> shown(FaultType<?> type, Map<String, Object> ours) {
        Map<String, Object> shown = new LinkedHashMap<>();
        for (Attribute<?, ?> attribute : type.attributes()) {
            Object value = ours.get(attribute.name());
            shown.put(attribute.toxiproxyName(), value == null ? "(default)" : toToxiproxy(attribute, value));
        }
        return shown;
    }

    @SuppressWarnings("unchecked")
    private static <T> Object toToxiproxy(Attribute<?, T> attribute, Object value) {
        try {
            return attribute.toToxiproxy((T) value);
        } catch (RuntimeException e) {   // a value too large for Toxiproxy's unit: shown as we hold it
            return value;
        }
    }

    /** Puts each attribute the JSON gives into {@code values}, by Toxiproxy's name, converted to our units. */
    private static void overlay(FaultType<?> type, Map<String, Object> values, JsonNode json, String where,
            String name) {
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
            Attribute<?, ?> attr = type.attributes().stream()
                    .filter(a -> a.toxiproxyName().equals(field.getKey())).findFirst()
                    .orElseThrow(() -> ApiException.badRequest("bad request body: " + prefix + "." + field.getKey()
                            + " is not an attribute of " + type.name() + "; known: "
                            + type.attributes().stream().map(Attribute::toxiproxyName).toList()));
            Object given = value(attr, field.getValue(), prefix);
            try {
                values.put(attr.name(), attr.fromToxiproxy(given));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("toxic '" + name + "': " + type.name() + " " + attr.toxiproxyName()
                        + " " + e.getMessage());
            }
        }
    }

    private static Object value(Attribute<?, ?> attr, JsonNode value, String prefix) {
        return switch (attr.kind()) {
            case DURATION, INTEGER -> {
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
                throw Json.wrongType(prefix, attr.toxiproxyName(), value, "a whole number");
            }
            case PROBABILITY, NUMBER -> {
                if (!value.isNumber()) {
                    throw Json.wrongType(prefix, attr.toxiproxyName(), value, "a number");
                }
                yield value.asDouble();
            }
            case BOOLEAN -> {
                if (!value.isBoolean()) {
                    throw Json.wrongType(prefix, attr.toxiproxyName(), value, "true or false");
                }
                yield value.asBoolean();
            }
            case CHOICE -> {
                if (!value.isTextual()) {
                    throw Json.wrongType(prefix, attr.toxiproxyName(), value, "a string");
                }
                yield value.asText();
            }
        };
    }

    private static ApiException outOfRange(String prefix, Attribute<?, ?> attr, JsonNode value, String allowed) {
        return ApiException.badRequest("bad request body: " + prefix + "." + attr.toxiproxyName() + ": " + value + " is too "
                + (value.asDouble() < 0 ? "small" : "large") + "; " + allowed);
    }
}
