package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import java.util.Comparator;

/**
 * {@code /proxies}: every proxy (an object keyed by name, in name order), and creating one (201; a taken name is
 * the proxy's to find, answered 409 "proxy already exists").
 */
final class ProxiesHandler extends Resource {
    private final ChaosProxy proxy;

    ProxiesHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response get(Request request) {
        ObjectNode all = Json.objectNode();
        proxy.routes().stream().sorted(Comparator.comparing(Route::name))
                .forEach(route -> all.set(route.name(), ProxySpec.json(route)));
        return Response.json(200, all);
    }

    @Override
    Response post(Request request) {
        ProxySpec spec = ProxySpec.parse(Json.parse(request.body()), "");
        return Response.json(201, ProxySpec.json(spec.add(proxy)));
    }
}
