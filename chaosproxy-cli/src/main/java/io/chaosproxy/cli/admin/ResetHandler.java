package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;

/**
 * {@code POST /reset}: as Toxiproxy, every proxy enabled and every toxic removed (also those a config file
 * gave, unlike {@link ChaosProxy#restoreFaults()}, which goes back to them); no proxy is deleted.
 */
final class ResetHandler extends Resource {
    private final ChaosProxy proxy;

    ResetHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response post(Request request) {
        for (Route route : proxy.routes()) {
            route.clearFaults();
            if (!route.isEnabled()) {
                route.enable();
            }
        }
        return Response.noContent();
    }
}
