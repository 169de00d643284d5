package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;
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

    static Fault fault(Route route, String name) {
        return route.faults().stream().filter(fault -> fault.name().equals(name)).findFirst()
                .orElseThrow(ApiException::toxicNotFound);
    }
}
