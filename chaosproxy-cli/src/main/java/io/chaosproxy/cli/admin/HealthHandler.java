package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;

/** {@code GET /health}: 200 with the number of proxies while the server runs. */
final class HealthHandler extends Resource {
    private final ChaosProxy proxy;

    HealthHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response get(Request request) {
        var body = Json.objectNode();
        body.put("status", "ok");
        body.put("proxies", proxy.routes().size());
        return Response.json(200, body);
    }
}
