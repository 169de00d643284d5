package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.DuplicateException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each request to its resource and writes the answer. Requests run one at a time, so that no call sees
 * another half done; every failure becomes Toxiproxy's {@code {"error","status"}} JSON: a name the proxy's own
 * check finds taken a 409 in Toxiproxy's words (see {@link ApiException#duplicate}), any other invalid value a
 * 400, an unknown one a 404.
 */
final class Router implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(Router.class);

    private record Path(List<String> pattern, Resource resource) {
    }

    private final List<Path> paths = new ArrayList<>();
    private final Object lock = new Object();
    private final AtomicLong requestIds = new AtomicLong();

    Router(ChaosProxy proxy) {
        add("version", new VersionHandler());
        add("health", new HealthHandler(proxy));
        add("metrics", new MetricsHandler(proxy));
        add("reset", new ResetHandler(proxy));
        add("populate", new PopulateHandler(proxy));
        add("proxies", new ProxiesHandler(proxy));
        add("proxies/*", new ProxyHandler(proxy));
        add("proxies/*/toxics", new ToxicsHandler(proxy));
        add("proxies/*/toxics/*", new ToxicHandler(proxy));
        add("proxies/*/profile", new ProfileHandler(proxy));
        add("proxies/*/schedules", SchedulesHandler.all(proxy));
        add("proxies/*/schedules/*", SchedulesHandler.one(proxy));
        add("connections", new ConnectionsHandler(proxy));
        add("connections/*/close", ConnectionHandler.close(proxy));
        add("connections/*/reset", ConnectionHandler.reset(proxy));
        add("connections/*/toxics", new ConnectionToxicsHandler(proxy));
        add("connections/*/toxics/*", new ConnectionToxicHandler(proxy));
        add("journal", new JournalHandler(proxy));
    }

    private void add(String pattern, Resource resource) {
        paths.add(new Path(List.of(pattern.split("/")), resource));
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("X-Toxiproxy-Request-Id", Long.toString(requestIds.incrementAndGet()));
            Response response;
            try {
                response = dispatch(exchange);
            } catch (ApiException e) {
                response = error(e.status(), e.getMessage());
            } catch (DuplicateException e) {
                ApiException answer = ApiException.duplicate(e);
                response = error(answer.status(), answer.getMessage());
            } catch (IllegalArgumentException e) {
                response = error(400, e.getMessage());
            } catch (NoSuchElementException e) {
                response = error(404, e.getMessage());
            } catch (RuntimeException e) {
                log.warn("admin {} {} failed: {}", exchange.getRequestMethod(), exchange.getRequestURI(), e.toString());
                response = error(500, String.valueOf(e.getMessage()));
            }
            write(exchange, response);
        }
    }

    private Response dispatch(HttpExchange exchange) throws IOException {
        String agent = exchange.getRequestHeaders().getFirst("User-Agent");
        if (agent != null && agent.startsWith("Mozilla/")) {
            // Toxiproxy's guard against cross-site requests from a browser: a page must not reconfigure the proxy.
            return Response.text(403, "User agent not allowed\n".getBytes(StandardCharsets.UTF_8),
                    "text/plain; charset=utf-8");
        }
        String method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
        List<String> segments = new ArrayList<>();
        for (String segment : exchange.getRequestURI().getRawPath().split("/")) {
            if (!segment.isEmpty()) {
                segments.add(URLDecoder.decode(segment, StandardCharsets.UTF_8));
            }
        }
        for (Path path : paths) {
            List<String> params = match(path.pattern(), segments);
            if (params != null) {
                Request request = new Request(method, params, query(exchange.getRequestURI().getRawQuery()),
                        RequestBody.read(exchange));
                synchronized (lock) {
                    return switch (method) {
                        case "GET" -> path.resource().get(request);
                        case "POST" -> path.resource().post(request);
                        case "PATCH" -> path.resource().patch(request);
                        case "DELETE" -> path.resource().delete(request);
                        default -> throw new ApiException(405, "method " + method + " not allowed here");
                    };
                }
            }
        }
        throw new ApiException(404, "404 page not found");
    }

    private static List<String> match(List<String> pattern, List<String> segments) {
        if (pattern.size() != segments.size()) {
            return null;
        }
        List<String> params = new ArrayList<>();
        for (int i = 0; i < pattern.size(); i++) {
            if (pattern.get(i).equals("*")) {
                params.add(segments.get(i));
            } else if (!pattern.get(i).equals(segments.get(i))) {
                return null;
            }
        }
        return params;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                query.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private static Response error(int status, String message) {
        ObjectNode body = Json.objectNode();
        body.put("error", message);
        body.put("status", status);
        return Response.json(status, body);
    }

    private static void write(HttpExchange exchange, Response response) throws IOException {
        byte[] body;
        if (response.json() != null) {
            body = (Json.MAPPER.writeValueAsString(response.json()) + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
        } else if (response.text() != null) {
            body = response.text();
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
        } else {
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
