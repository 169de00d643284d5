package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import java.util.NoSuchElementException;

/** Look-ups the handlers share, answering 404 the way Toxiproxy does. */
final class Proxies {
    private Proxies() {
    }

    static Route route(ChaosProxy proxy, String name) {
        try {
            return proxy.route(name);
        } catch (NoSuchElementException e) {
            throw ApiException.proxyNotFound();
        }
    }

    static boolean exists(ChaosProxy proxy, String name) {
        return proxy.routes().stream().anyMatch(route -> route.name().equals(name));
    }

    /**
     * The live connection with the id {@code GET /connections} shows: 400 when {@code id} is not a number, 404
     * {@code connection not found} when no live connection has it (it may have closed since it was listed).
     */
    static ChaosConnection connection(ChaosProxy proxy, String id) {
        long number;
        try {
            number = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("connection id \"" + id + "\" is not a number");
        }
        for (Route route : proxy.routes()) {
            for (ChaosConnection connection : route.connections()) {
                if (connection.id() == number) {
                    return connection;
                }
            }
        }
        throw ApiException.connectionNotFound();
    }

    static Fault fault(Route route, String name) {
        return route.faults().stream().filter(fault -> fault.name().equals(name)).findFirst()
                .orElseThrow(ApiException::toxicNotFound);
    }
}
