package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Connection;
import io.chaosproxy.Route;

/** {@code POST /connections/{id}/close}: closes one live connection (FIN to both sides); 204, or 404. */
final class ConnectionHandler extends Resource {
    private final ChaosProxy proxy;

    ConnectionHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response post(Request request) {
        long id;
        try {
            id = Long.parseLong(request.param(0));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("connection id \"" + request.param(0) + "\" is not a number");
        }
        for (Route route : proxy.routes()) {
            for (Connection connection : route.connections()) {
                if (connection.id() == id) {
                    connection.close();
                    return Response.noContent();
                }
            }
        }
        throw new ApiException(404, "connection not found");
    }
}
