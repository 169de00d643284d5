package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import java.util.function.Consumer;

/**
 * {@code POST /connections/{id}/close} (cuts it: an RST for each stream its sender had not ended, a FIN for one
 * that ended) and {@code POST /connections/{id}/reset} (an RST to both sides): 204, or 404 for an id no live
 * connection has.
 */
final class ConnectionHandler extends Resource {
    private final ChaosProxy proxy;
    private final Consumer<ChaosConnection> action;

    private ConnectionHandler(ChaosProxy proxy, Consumer<ChaosConnection> action) {
        this.proxy = proxy;
        this.action = action;
    }

    static ConnectionHandler close(ChaosProxy proxy) {
        return new ConnectionHandler(proxy, ChaosConnection::close);
    }

    static ConnectionHandler reset(ChaosProxy proxy) {
        return new ConnectionHandler(proxy, ChaosConnection::reset);
    }

    @Override
    Response post(Request request) {
        action.accept(Proxies.connection(proxy, request.param(0)));
        return Response.noContent();
    }
}
