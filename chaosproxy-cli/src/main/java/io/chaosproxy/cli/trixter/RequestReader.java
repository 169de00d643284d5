package io.chaosproxy.cli.trixter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Locale;

/**
 * Reads a request as Trixter's API does (axum's {@code Json} extractor into a serde struct of one field with
 * {@code deny_unknown_fields}), so that clients get the same statuses: 415 without a JSON content type, 400 for
 * bad JSON, 422 for an unknown, missing, repeated or mistyped field, each with a message in serde's words.
 */
final class RequestReader {
    /** axum's default body limit: 2 MB. */
    static final int LIMIT = 2 * 1024 * 1024;
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final String SYNTAX = "Failed to parse the request body as JSON: ";
    private static final String DATA = "Failed to deserialize the JSON body into the target type: ";

    /** The Rust type of the one field. */
    enum Type {
        U64("u64"), USIZE("usize"), F64("f64"), STRING("a string");

        private final String expected;

        Type(String expected) {
            this.expected = expected;
        }

        static Type of(Knob.Value value) {
            return switch (value) {
                case U64 -> U64;
                case USIZE -> USIZE;
                case F64 -> F64;
            };
        }
    }

    private RequestReader() {
    }

    /**
     * The value of {@code field}, the one field of Trixter's struct {@code struct}: a Long (unsigned) for u64 and
     * usize, a Double for f64, a String.
     *
     * @throws Reply.Rejection with axum's status and text
     */
    static Object read(String contentType, byte[] body, String struct, String field, Type type) {
        if (!isJson(contentType)) {
            throw reject(415, "Expected request with `Content-Type: application/json`");
        }
        try (JsonParser parser = FACTORY.createParser(body)) {
            Object value = readStruct(parser, struct, field, type);
            if (parser.nextToken() != null) {
                throw reject(400, SYNTAX + "trailing characters" + at(parser, column(parser) + 1));
            }
            return value;
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            throw reject(400, SYNTAX + e.getOriginalMessage() + (where == null ? ""
                    : " at line " + where.getLineNr() + " column " + Math.max(0, where.getColumnNr() - 1)));
        } catch (IOException e) {
            throw reject(400, SYNTAX + e.getMessage());
        }
    }

    /** axum's test: {@code application/json} or {@code application/<anything>+json}, parameters ignored. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mime = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mime.equals("application/json") || (mime.startsWith("application/") && mime.endsWith("+json"));
    }

    private static Object readStruct(JsonParser parser, String struct, String field, Type type) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw reject(400, SYNTAX + "EOF while parsing a value at line 1 column 0");
        }
        if (token != JsonToken.START_OBJECT) {
            throw dataError("", unexpected(parser, token) + ", expected struct " + struct, parser, token);
        }
        Object value = null;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            if (!name.equals(field)) {
                throw dataError("", "unknown field `" + name + "`, expected `" + field + "`", parser, token);
            }
            if (value != null) {
                throw dataError("", "duplicate field `" + field + "`", parser, token);
            }
            value = value(parser, parser.nextToken(), field, type);
        }
        if (value == null) {
            throw dataError("", "missing field `" + field + "`", parser, token);
        }
        return value;
    }

    private static Object value(JsonParser parser, JsonToken token, String field, Type type) throws IOException {
        if (type == Type.STRING && token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (type == Type.F64 && token.isNumeric()) {
            return parser.getDoubleValue();
        }
        if ((type == Type.U64 || type == Type.USIZE) && token == JsonToken.VALUE_NUMBER_INT) {
            BigInteger number = parser.getBigIntegerValue();
            if (number.signum() < 0) {
                throw dataError(field, "invalid value: integer `" + number + "`, expected " + type.expected, parser,
                        token);
            }
            if (number.compareTo(U64_MAX) <= 0) {
                return number.longValue();   // the unsigned value's bits
            }
            // serde_json reads an integer beyond u64 as a float, which no integer field takes.
            throw dataError(field, "invalid type: floating point `" + number.doubleValue() + "`, expected "
                    + type.expected, parser, token);
        }
        throw dataError(field, unexpected(parser, token) + ", expected " + type.expected, parser, token);
    }

    /** serde's {@code Unexpected}: how a value of the wrong type is named. */
    private static String unexpected(JsonParser parser, JsonToken token) throws IOException {
        return "invalid type: " + switch (token) {
            case VALUE_NUMBER_INT -> "integer `" + parser.getText() + "`";
            case VALUE_NUMBER_FLOAT -> "floating point `" + parser.getDoubleValue() + "`";
            case VALUE_STRING -> "string \"" + new String(JsonStringEncoder.getInstance()
                    .quoteAsString(parser.getText())) + "\"";
            case VALUE_TRUE, VALUE_FALSE -> "boolean `" + parser.getText() + "`";
            case VALUE_NULL -> "null";
            case START_OBJECT -> "map";
            case START_ARRAY -> "sequence";
            default -> token.asString();
        };
    }

    /**
     * A 422 as axum writes it, at serde's position: just past {@code token} (Jackson reads ahead, serde does not),
     * or before it for an object or array serde only peeked at. serde_path_to_error puts the field's name before an
     * error of its value.
     */
    private static Reply.Rejection dataError(String path, String message, JsonParser parser, JsonToken token)
            throws IOException {
        int before = column(parser);
        int length = switch (token) {
            case FIELD_NAME -> quotedLength(parser.currentName());
            case VALUE_STRING -> quotedLength(parser.getText());
            case START_OBJECT, START_ARRAY -> 0;
            default -> parser.getText().length();   // a number, true, false, null, or the closing brace
        };
        return reject(422, DATA + (path.isEmpty() ? "" : path + ": ") + message + at(parser, before + length));
    }

    /** The characters of the token's line before it. */
    private static int column(JsonParser parser) {
        return Math.max(0, parser.currentTokenLocation().getColumnNr() - 1);
    }

    private static int quotedLength(String text) {
        return JsonStringEncoder.getInstance().quoteAsString(text).length + 2;
    }

    private static String at(JsonParser parser, int column) {
        return " at line " + parser.currentTokenLocation().getLineNr() + " column " + column;
    }

    private static Reply.Rejection reject(int status, String text) {
        return new Reply.Rejection(Reply.text(status, text));
    }
}
