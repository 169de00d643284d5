package io.chaosproxy.cli;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --test-server}: an HTTP server on each upstream address of each route that answers with the route's name
 * (the names, when routes share an upstream), so that {@code curl} through any route works at once.
 */
final class TestServers implements AutoCloseable {
    private final List<HttpServer> servers = new ArrayList<>();

    /**
     * Starts one server per distinct upstream.
     *
     * @throws IllegalStateException when an upstream address is in use (the message names it)
     */
    static TestServers start(Map<String, List<String>> upstreamsByRoute) {
        Map<String, List<String>> names = new LinkedHashMap<>();
        upstreamsByRoute.forEach((route, upstreams) -> {
            for (String upstream : upstreams) {
                List<String> routes = names.computeIfAbsent(upstream, address -> new ArrayList<>());
                if (!routes.contains(route)) {
                    routes.add(route);
                }
            }
        });
        TestServers started = new TestServers();
        try {
            names.forEach((upstream, routeNames) -> started.serve(upstream, String.join(", ", routeNames)));
            return started;
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
    }

    private void serve(String upstream, String answer) {
        int colon = upstream.lastIndexOf(':');
        String host = upstream.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(upstream.substring(colon + 1));
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 50);
        } catch (BindException e) {
            throw new IllegalStateException("--test-server: upstream " + upstream + " is already in use;"
                    + " stop what listens there or run without --test-server", e);
        } catch (IOException e) {
            throw new UncheckedIOException("--test-server: cannot listen on upstream " + upstream + ": "
                    + e.getMessage(), e);
        }
        byte[] body = (answer + "\n").getBytes(StandardCharsets.UTF_8);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        servers.add(server);
    }

    @Override
    public void close() {
        servers.forEach(server -> server.stop(0));
        servers.clear();
    }
}
