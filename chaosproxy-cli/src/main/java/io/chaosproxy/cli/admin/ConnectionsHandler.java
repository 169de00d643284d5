package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import java.util.List;

/**
 * {@code GET /connections[?proxy=name]}: every live connection, oldest first per proxy, with its upstream (as
 * given, and the address it resolved to), bytes and faults.
 */
final class ConnectionsHandler extends Resource {
    private final ChaosProxy proxy;

    ConnectionsHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response get(Request request) {
        String only = request.query().get("proxy");
        List<Route> routes = only == null ? proxy.routes() : List.of(Proxies.route(proxy, only));
        ArrayNode list = Json.arrayNode();
        for (Route route : routes) {
            for (ChaosConnection connection : route.connections()) {
                list.add(json(connection));
            }
        }
        return Response.json(200, list);
    }

    static ObjectNode json(ChaosConnection connection) {
        ObjectNode node = Json.objectNode();
        node.put("id", connection.id());
        node.put("proxy", connection.route());
        node.put("client", ProxySpec.listen(connection.clientAddress()));
        node.put("upstream", connection.upstream());   // the target as the proxy names it, as in /proxies and /metrics
        node.put("upstream_address", ProxySpec.listen(connection.upstreamAddress()));
        node.put("bytes_upstream", connection.bytesUpstream());
        node.put("bytes_downstream", connection.bytesDownstream());
        node.put("opened_at", connection.openedAt().toString());
        ArrayNode faults = node.putArray("toxics");
        connection.faults().stream().map(Fault::name).forEach(faults::add);
        return node;
    }
}
