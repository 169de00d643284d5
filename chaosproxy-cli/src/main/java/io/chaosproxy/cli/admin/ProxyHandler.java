package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /proxies/{proxy}}: read, update (POST or PATCH, missing fields keep their values) and delete one
 * proxy. A new {@code listen}, {@code upstream} or {@code upstreams} (see {@link Upstreams}) re-creates the
 * route, keeping its toxics and other ports and cutting its connections, as Toxiproxy restarts the proxy;
 * {@code enabled} alone only takes the route down or up. An update that fails leaves the proxy as it was: its
 * connections, counters and port.
 */
final class ProxyHandler extends Resource {
    private static final Logger log = LoggerFactory.getLogger(ProxyHandler.class);

    private final ChaosProxy proxy;

    ProxyHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response get(Request request) {
        return Response.json(200, ProxySpec.json(Proxies.route(proxy, request.param(0))));
    }

    @Override
    Response post(Request request) {
        String name = request.param(0);
        Route route = Proxies.route(proxy, name);
        ObjectNode body = Json.object(request.body(), ProxySpec.FIELDS);
        String newName = Json.text(body, "name", "");
        if (newName != null && !newName.equals(name)) {
            throw ApiException.badRequest("name cannot be changed (proxy '" + name + "'); delete the proxy and"
                    + " create it under the new name");
        }
        String listen = Json.text(body, "listen", "");
        Integer port = listen == null ? null : ProxySpec.port(listen);
        String upstream = Json.text(body, "upstream", "");
        if (upstream != null && upstream.isBlank() && !body.hasNonNull("upstreams")) {
            throw ApiException.badRequest("upstream is empty; expected host:port");
        }
        Upstreams given = Upstreams.parse(body, "");
        ProxySpec old = ProxySpec.of(route);
        List<String> current = old.upstreams().targets();
        List<String> upstreams = given == null ? current : given.appliedTo(current);
        boolean enabled = Json.bool(body, "enabled", "", old.enabled());
        boolean moved = (port != null && (port == 0 || port != route.localPort())) || !upstreams.equals(current);
        if (moved) {
            ProxySpec next = old.moved(port != null ? port : old.port(), upstreams, enabled);
            next.check(proxy, route);   // before the running route is touched
            proxy.removeRoute(name);
            try {
                route = next.add(proxy);
            } catch (RuntimeException e) {
                restore(old, e);
                throw e;
            }
        } else if (enabled != route.isEnabled()) {
            if (enabled) {
                route.enable();
            } else {
                route.disable();
            }
        }
        return Response.json(200, ProxySpec.json(route));
    }

    /** Puts the old route back after a failure {@link ProxySpec#check} could not foresee (a race for the port). */
    private void restore(ProxySpec old, RuntimeException failure) {
        try {
            old.add(proxy);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            log.warn("proxy={} update failed and the old proxy could not be restored: {}", old.name(), e.toString());
        }
    }

    @Override
    Response patch(Request request) {
        return post(request);
    }

    @Override
    Response delete(Request request) {
        Proxies.route(proxy, request.param(0));
        proxy.removeRoute(request.param(0));
        return Response.noContent();
    }
}
