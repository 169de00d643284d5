package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;

/**
 * {@code /proxies/{proxy}/toxics/{toxic}}: read, update (POST or PATCH; attributes merge into the current ones,
 * toxicity kept unless given) and remove one toxic.
 */
final class ToxicHandler extends Resource {
    private final ChaosProxy proxy;

    ToxicHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response get(Request request) {
        Route route = Proxies.route(proxy, request.param(0));
        return Response.json(200, Toxics.json(Proxies.fault(route, request.param(1))));
    }

    @Override
    Response post(Request request) {
        Route route = Proxies.route(proxy, request.param(0));
        Fault updated = Toxics.update(Proxies.fault(route, request.param(1)), Json.parse(request.body()));
        route.updateFault(updated);
        return Response.json(200, Toxics.json(updated));
    }

    @Override
    Response patch(Request request) {
        return post(request);
    }

    @Override
    Response delete(Request request) {
        Route route = Proxies.route(proxy, request.param(0));
        Proxies.fault(route, request.param(1));
        route.removeFault(request.param(1));
        return Response.noContent();
    }
}
