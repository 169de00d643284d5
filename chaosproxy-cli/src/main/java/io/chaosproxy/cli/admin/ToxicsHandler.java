package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;

/** {@code /proxies/{proxy}/toxics}: a proxy's toxics, and adding one (200, not 201, as Toxiproxy answers). */
final class ToxicsHandler extends Resource {
    private final ChaosProxy proxy;

    ToxicsHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response get(Request request) {
        return Response.json(200, ProxySpec.toxicsJson(Proxies.route(proxy, request.param(0))));
    }

    @Override
    Response post(Request request) {
        Route route = Proxies.route(proxy, request.param(0));
        Fault fault = Toxics.parse(Json.parse(request.body()), "");
        route.addFault(fault);   // a taken name: the route's DuplicateException, answered 409 "toxic already exists"
        return Response.json(200, Toxics.json(fault));
    }
}
