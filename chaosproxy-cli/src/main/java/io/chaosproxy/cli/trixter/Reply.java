package io.chaosproxy.cli.trixter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * What Trixter's API answers: a status and a body as axum writes it (compact JSON, a plain text rejection, or
 * nothing).
 *
 * @param contentType null for no body
 */
record Reply(int status, String contentType, byte[] body) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static Reply json(int status, JsonNode json) {
        try {
            return new Reply(status, "application/json", MAPPER.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Trixter's {@code ApiError}: {@code {"error":"..."}}. */
    static Reply error(int status, String message) {
        return json(status, MAPPER.createObjectNode().put("error", message));
    }

    static Reply text(int status, String text) {
        return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    static Reply empty(int status) {
        return new Reply(status, null, new byte[0]);
    }

    /** An answer thrown from deep in a request, e.g. a body the JSON extractor rejects. */
    static final class Rejection extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final transient Reply reply;

        Rejection(Reply reply) {
            super(reply.status() + " " + new String(reply.body(), StandardCharsets.UTF_8), null, false, false);
            this.reply = reply;
        }

        Reply reply() {
            return reply;
        }
    }
}
