package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/** Reads request bodies strictly (every problem a 400 naming the field) and makes response nodes. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    private Json() {
    }

    /** The body as JSON; an empty or malformed body is a 400 with the parser's message. */
    static JsonNode parse(byte[] body) {
        if (body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw ApiException.badRequest("bad request body: the body is empty; expected JSON");
        }
        try {
            JsonNode node = MAPPER.readTree(body);
            if (node == null || node.isMissingNode()) {
                throw ApiException.badRequest("bad request body: the body is empty; expected JSON");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("bad request body: " + e.getOriginalMessage() + locationOf(e));
        } catch (IOException e) {
            throw ApiException.badRequest("bad request body: " + e.getMessage());
        }
    }

    /** The body as a JSON object whose fields are all among {@code allowed}. */
    static ObjectNode object(byte[] body, Set<String> allowed) {
        return object(parse(body), "", allowed);
    }

    /** {@code node} as an object whose fields are all among {@code allowed}; {@code where} prefixes messages. */
    static ObjectNode object(JsonNode node, String where, Set<String> allowed) {
        if (!node.isObject()) {
            throw ApiException.badRequest("bad request body: " + label(where) + "is " + kind(node)
                    + "; expected a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw ApiException.badRequest("bad request body: " + where + (where.isEmpty() ? "" : ".") + name
                        + " is not a known field; known: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
        return (ObjectNode) node;
    }

    /** A string field, or {@code null} when absent or null. */
    static String text(ObjectNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrongType(where, field, value, "a string");
        }
        return value.asText();
    }

    /** A boolean field, or {@code fallback} when absent or null. */
    static Boolean bool(ObjectNode node, String field, String where, Boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw wrongType(where, field, value, "true or false");
        }
        return value.asBoolean();
    }

    /** A number field, or {@code fallback} when absent or null. */
    static Double number(ObjectNode node, String field, String where, Double fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw wrongType(where, field, value, "a number");
        }
        return value.asDouble();
    }

    static ApiException wrongType(String where, String field, JsonNode value, String expected) {
        return ApiException.badRequest("bad request body: " + where + (where.isEmpty() ? "" : ".") + field + ": "
                + value + " is " + kind(value) + "; expected " + expected);
    }

    static ObjectNode objectNode() {
        return MAPPER.createObjectNode();
    }

    static ArrayNode arrayNode() {
        return MAPPER.createArrayNode();
    }

    static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String label(String where) {
        return where.isEmpty() ? "the body " : where + " ";
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr();
    }
}
