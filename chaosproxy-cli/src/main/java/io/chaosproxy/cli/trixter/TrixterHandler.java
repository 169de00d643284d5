package io.chaosproxy.cli.trixter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trixter's routes, statuses and bodies: {@code GET /health}, {@code GET /connections}, {@code POST
 * /connections/{id|_all}/shutdown} and {@code PATCH /connections/{id}/<knob>}; 202 for a change, 404 {@code
 * {"error":"connection not found"}}, 400 for a probability outside 0..1. A path it does not know is a 404 and a
 * method it does not take a 405, both empty, as axum answers.
 */
final class TrixterHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(TrixterHandler.class);
    private static final Reply NOT_FOUND = Reply.error(404, "connection not found");

    private final TrixterConnections connections;

    TrixterHandler(TrixterConnections connections) {
        this.connections = connections;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Reply reply;
            try {
                reply = dispatch(exchange);
            } catch (Reply.Rejection e) {
                reply = e.reply();
            } catch (RuntimeException e) {
                log.warn("trixter API {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(),
                        e.toString());
                reply = Reply.error(500, "internal error");
            }
            write(exchange, reply);
        }
    }

    private Reply dispatch(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        if (path.equals(List.of("health"))) {
            requireMethod(exchange, method, "GET");
            return Reply.text(200, "ok");
        }
        if (path.equals(List.of("connections"))) {
            requireMethod(exchange, method, "GET");
            return list();
        }
        if (path.size() == 3 && path.get(0).equals("connections")) {
            String id = path.get(1);
            if (path.get(2).equals("shutdown")) {
                requireMethod(exchange, method, "POST");
                return shutdown(exchange, id);
            }
            Knob knob = Knob.byPath(path.get(2));
            if (knob != null) {
                requireMethod(exchange, method, "PATCH");
                return set(exchange, id, knob);
            }
        }
        return Reply.empty(404);
    }

    private Reply list() {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        connections.all().forEach(connection -> list.add(connection.status()));
        return Reply.json(200, list);
    }

    private Reply shutdown(HttpExchange exchange, String id) throws IOException {
        String reason = (String) body(exchange, "ShutdownReq", "reason", RequestReader.Type.STRING);
        if (id.equals("_all")) {   // axum prefers the literal segment to the {id} one
            connections.shutdownAll(reason);
            return Reply.empty(202);
        }
        return connections.shutdown(id, reason) ? Reply.empty(202) : NOT_FOUND;
    }

    private Reply set(HttpExchange exchange, String id, Knob knob) throws IOException {
        Object value = body(exchange, knob.request, knob.field, RequestReader.Type.of(knob.value));
        KnobbedConnection connection = connections.find(id);
        if (connection == null) {
            return NOT_FOUND;
        }
        if (value instanceof Double probability && !(probability >= 0.0 && probability <= 1.0)) {
            return Reply.error(400, "invalid probability; must be between 0.0 and 1.0");
        }
        if (knob == Knob.DELAY && Long.compareUnsigned((Long) value, Knob.MAX_DELAY_MS) > 0) {
            // Trixter takes any u64; our engine holds data at most a day.
            return Reply.error(400, "delay_ms " + Long.toUnsignedString((Long) value) + " is over "
                    + Knob.MAX_DELAY_MS + " (1 day), the longest delay chaos-proxy holds data");
        }
        connection.set(knob, (Number) value);
        return Reply.empty(202);
    }

    private static Object body(HttpExchange exchange, String struct, String field, RequestReader.Type type)
            throws IOException {
        byte[] body = exchange.getRequestBody().readNBytes(RequestReader.LIMIT + 1);
        if (body.length > RequestReader.LIMIT) {
            exchange.getResponseHeaders().set("Connection", "close");   // the rest of the body is left unread
            throw new Reply.Rejection(Reply.text(413, "Failed to buffer the request body: length limit exceeded"));
        }
        return RequestReader.read(exchange.getRequestHeaders().getFirst("Content-Type"), body, struct, field, type);
    }

    /** Answers 405, naming the method the path takes, unless the request has it (HEAD goes with GET). */
    private static void requireMethod(HttpExchange exchange, String method, String allowed) {
        if (method.equals(allowed) || (method.equals("HEAD") && allowed.equals("GET"))) {
            return;
        }
        exchange.getResponseHeaders().set("Allow", allowed.equals("GET") ? "GET,HEAD" : allowed);
        throw new Reply.Rejection(Reply.empty(405));
    }

    /** The path's segments, percent-decoded; a trailing slash keeps an empty last one, so it matches nothing. */
    private static List<String> segments(String rawPath) {
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        try {
            return List.of(path.split("/", -1)).stream()
                    .map(segment -> URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8))
                    .toList();
        } catch (IllegalArgumentException e) {
            return List.of();   // a broken escape names no route
        }
    }

    private static void write(HttpExchange exchange, Reply reply) throws IOException {
        boolean head = exchange.getRequestMethod().equalsIgnoreCase("HEAD");
        if (reply.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
        }
        if (reply.body().length == 0 || head) {
            exchange.sendResponseHeaders(reply.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(reply.status(), reply.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(reply.body());
        }
    }
}
