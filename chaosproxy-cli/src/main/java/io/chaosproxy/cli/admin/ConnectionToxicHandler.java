package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Fault;

/**
 * {@code /connections/{id}/toxics/{toxic}}: read one of a live connection's toxics, and update (POST or PATCH,
 * merging as on a proxy's toxic) or remove one of its own; its proxy's toxics answer 409, to be changed on the
 * proxy. Updates apply in place: what the toxic holds passes through its new settings.
 */
final class ConnectionToxicHandler extends Resource {
    private final ChaosProxy proxy;

    ConnectionToxicHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response get(Request request) {
        ChaosConnection connection = Proxies.connection(proxy, request.param(0));
        return Response.json(200, new ConnectionToxics(proxy, connection).json(request.param(1)));
    }

    @Override
    Response post(Request request) {
        ChaosConnection connection = Proxies.connection(proxy, request.param(0));
        ConnectionToxics toxics = new ConnectionToxics(proxy, connection);
        Fault updated = Toxics.update(toxics.own(request.param(1)), Json.parse(request.body()));
        connection.updateFault(updated);   // removed meanwhile: NoSuchElementException, a 404
        if (!connection.isOpen()) {
            throw ApiException.connectionNotFound();   // it closed meanwhile
        }
        return Response.json(200, toxics.json(updated));
    }

    @Override
    Response patch(Request request) {
        return post(request);
    }

    @Override
    Response delete(Request request) {
        ChaosConnection connection = Proxies.connection(proxy, request.param(0));
        new ConnectionToxics(proxy, connection).own(request.param(1));
        connection.removeFault(request.param(1));
        return Response.noContent();
    }
}
