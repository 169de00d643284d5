package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.DuplicateException;
import io.chaosproxy.Route;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /populate}: creates or replaces many proxies in one call (201 {@code {"proxies":[...]}}). Beyond
 * Toxiproxy, each entry may carry {@code toxics}, and the call is atomic: every entry is checked first, and if
 * one fails to start, what the call already changed is undone.
 *
 * <p>As in Toxiproxy, an existing proxy with the same port and upstream is kept as it is (its toxics too,
 * unless the entry gives {@code toxics}); one that differs is replaced; proxies not listed are left alone. An
 * entry with {@code upstreams} matches a proxy with the same list; one with {@code upstream} alone, a proxy
 * whose first upstream it is (see {@link Upstreams}).
 */
final class PopulateHandler extends Resource {
    private static final Logger log = LoggerFactory.getLogger(PopulateHandler.class);

    private final ChaosProxy proxy;

    PopulateHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response post(Request request) {
        JsonNode body = Json.parse(request.body());
        if (!body.isArray()) {
            throw ApiException.badRequest("bad request body: the body is " + Json.kind(body)
                    + "; expected an array of proxies");
        }
        List<ProxySpec> specs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < body.size(); i++) {
            ProxySpec spec = ProxySpec.parse(body.get(i), "proxy " + i);
            if (!names.add(spec.name())) {
                throw ApiException.badRequest("proxy " + i + ": name '" + spec.name() + "' is listed twice");
            }
            specs.add(spec);
        }
        Deque<Runnable> undo = new ArrayDeque<>();
        List<Route> routes = new ArrayList<>();
        try {
            for (ProxySpec spec : specs) {
                routes.add(apply(spec, undo));
            }
        } catch (RuntimeException e) {
            rollBack(undo);
            throw e;
        }
        ObjectNode answer = Json.objectNode();
        ArrayNode proxies = answer.putArray("proxies");
        routes.forEach(route -> proxies.add(ProxySpec.json(proxy.route(route.name()))));
        return Response.json(201, answer);
    }

    private Route apply(ProxySpec spec, Deque<Runnable> undo) {
        if (!Proxies.exists(proxy, spec.name())) {
            Route added = spec.add(proxy);
            undo.push(() -> proxy.removeRoute(spec.name()));
            return added;
        }
        Route route = proxy.route(spec.name());
        ProxySpec old = ProxySpec.of(route);
        List<String> current = old.upstreams().targets();
        if (spec.port() != 0 && spec.port() == route.localPort()
                && spec.upstreams().appliedTo(current).equals(current)) {
            if (spec.faults() != null) {
                try {
                    route.setFaults(spec.faults());   // one step: live connections never see a moment without faults
                } catch (DuplicateException e) {
                    throw ProxySpec.toxicTwice(spec.name(), e);   // the only clash setFaults can have
                }
                undo.push(() -> route.setFaults(old.faults()));
            }
            return route;
        }
        proxy.removeRoute(spec.name());
        undo.push(() -> old.add(proxy));
        Route added = spec.add(proxy);
        undo.push(() -> proxy.removeRoute(spec.name()));
        return added;
    }

    private static void rollBack(Deque<Runnable> undo) {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                log.warn("populate: undoing a step failed: {}", e.toString());
            }
        }
    }
}
