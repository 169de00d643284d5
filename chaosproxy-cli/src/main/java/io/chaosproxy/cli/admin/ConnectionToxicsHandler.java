package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Fault;

/**
 * {@code /connections/{id}/toxics}: a live connection's toxics (see {@link ConnectionToxics}), and adding one to
 * it alone, from the toxic JSON {@code POST /proxies/{name}/toxics} takes (200, as there; 409 "toxic already
 * exists" when the connection has a toxic of that name, its proxy's included).
 */
final class ConnectionToxicsHandler extends Resource {
    private final ChaosProxy proxy;

    ConnectionToxicsHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response get(Request request) {
        ChaosConnection connection = Proxies.connection(proxy, request.param(0));
        return Response.json(200, new ConnectionToxics(proxy, connection).json());
    }

    @Override
    Response post(Request request) {
        ChaosConnection connection = Proxies.connection(proxy, request.param(0));
        Fault fault = Toxics.parse(Json.parse(request.body()), "");
        try {
            connection.addFault(fault);
        } catch (IllegalArgumentException e) {   // the fault is valid and registered: only its name can clash
            throw new ApiException(409, "toxic already exists");
        }
        if (!connection.isOpen()) {
            throw ApiException.connectionNotFound();   // it closed meanwhile: nothing was added
        }
        return Response.json(200, new ConnectionToxics(proxy, connection).json(fault));
    }
}
