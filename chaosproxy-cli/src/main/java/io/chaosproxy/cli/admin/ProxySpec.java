package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Direction;
import io.chaosproxy.DuplicateException;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A Toxiproxy proxy as we keep it: a route's name, ports, upstreams, enabled flag and faults. Parses request
 * bodies, writes the proxy JSON, and adds the route it describes.
 *
 * @param ports     where it listens: Toxiproxy's {@code listen} port first, then any more a config file gave the
 *                  route (kept when the API re-creates it)
 * @param upstreams Toxiproxy's {@code upstream}, or our {@code upstreams}
 * @param faults    the toxics given, or {@code null} when the body had none (populate keeps a kept proxy's then)
 * @param was       the running route this describes, whose pool settings (balancing, health checks, breaker,
 *                  limits) and per-upstream faults a re-created route keeps; null for a proxy made from a body
 */
record ProxySpec(String name, List<Integer> ports, Upstreams upstreams, boolean enabled, List<Fault> faults,
        Route was) {
    static final Set<String> FIELDS = Set.of("name", "listen", "upstream", "upstreams", "enabled", "toxics");

    ProxySpec {
        ports = List.copyOf(ports);
    }

    /** Toxiproxy's {@code listen} port. */
    int port() {
        return ports.get(0);
    }

    /** A proxy to create, from {@code POST /proxies} or one {@code /populate} entry. */
    static ProxySpec parse(JsonNode json, String where) {
        ObjectNode node = Json.object(json, where, FIELDS);
        String at = where.isEmpty() ? "" : " at " + where;
        String name = Json.text(node, "name", where);
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("missing required field: name" + at);
        }
        Upstreams upstreams = Upstreams.parse(node, where);
        if (upstreams == null) {
            throw ApiException.badRequest("missing required field: upstream" + at);
        }
        String listen = Json.text(node, "listen", where);
        boolean enabled = Json.bool(node, "enabled", where, true);
        return new ProxySpec(name, List.of(listen == null ? 0 : port(listen)), upstreams, enabled,
                toxics(node.get("toxics"), where.isEmpty() ? "toxics" : where + ".toxics"), null);
    }

    /** What a running route is now, to re-create it as it was. */
    static ProxySpec of(Route route) {
        return new ProxySpec(route.name(), route.localPorts(), Upstreams.of(route), route.isEnabled(),
                route.faults(), route);
    }

    /** This proxy with another main port and upstreams, its other ports, enabled flag and faults kept. */
    ProxySpec moved(int port, List<String> targets, boolean enabled) {
        if (port != 0 && ports.indexOf(port) > 0) {
            throw ApiException.badRequest("port " + port + " is one of proxy '" + name + "''s other ports " + ports
                    + " already; pick another, or 0 for an ephemeral one");
        }
        List<Integer> next = new ArrayList<>(ports);
        next.set(0, port);
        return new ProxySpec(name, next, new Upstreams(targets, true), enabled, faults, was);
    }

    /** The port of a Toxiproxy {@code listen} address: {@code host:port}, {@code [v6]:port}, {@code :port}. */
    static int port(String listen) {
        int colon = listen.lastIndexOf(':');
        String port = colon < 0 ? listen : listen.substring(colon + 1);
        try {
            int value = Integer.parseInt(port);
            if (value >= 0 && value <= 65535) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ApiException.badRequest("listen \"" + listen + "\" has no port in 0..65535; expected host:port,"
                + " e.g. 127.0.0.1:0 for an ephemeral port");
    }

    /**
     * Fails as {@link #add} would, before anything changes, for what can be known in advance: an upstream that
     * is malformed or a port another route has (the proxy's own check, {@link ChaosProxy#checkRoute}), a port
     * something else listens on. An update calls this first, so that a rejected change leaves the running route
     * untouched. The upstream's host is not looked up: as in Toxiproxy, a proxy may name a host that resolves
     * only later, and each connection looks it up.
     *
     * @param replacing the route this one will replace; the port it holds is free to take
     */
    void check(ChaosProxy proxy, Route replacing) {
        int port = port();
        proxy.checkRoute(name, port, upstreams.targets());
        if (port == 0 || (port == replacing.localPort() && replacing.isEnabled())) {
            return;   // ephemeral, or the port the replaced route holds until it is removed
        }
        InetSocketAddress address = new InetSocketAddress(replacing.localAddress().getAddress(), port);
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);   // as the route binds
            probe.bind(address);
        } catch (BindException e) {
            throw portInUse("port " + port + " is already in use (route '" + name
                    + "'); pick a free port or 0 for an ephemeral one");
        } catch (IOException e) {
            throw new IllegalStateException("route '" + name + "': cannot listen on " + address + ": " + e, e);
        }
    }

    /**
     * Adds the route this describes, with its toxics, disabled if it says so. The proxy checks the name, the
     * port and the toxics' names; its {@link io.chaosproxy.DuplicateException} becomes a 409 (see
     * {@link ApiException#duplicate}).
     *
     * @throws ApiException 409 when its port is in use, or two of its toxics share a name
     */
    Route add(ChaosProxy proxy) {
        Route route;
        try {
            route = proxy.addRoute(port(), upstreams.targets(), builder -> {
                builder.name(name).resolveUpstreamOnConnect(true);   // Toxiproxy resolves at each connect
                builder.alsoListen(ports.subList(1, ports.size()).stream().mapToInt(Integer::intValue).toArray());
                if (faults != null) {
                    faults.forEach(builder::fault);
                }
                if (was != null) {
                    keepWhatItWas(builder);
                }
            });
        } catch (DuplicateException e) {
            throw e.kind() == DuplicateException.Kind.FAULT_NAME ? toxicTwice(name, e) : e;
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof BindException) {
                throw portInUse(e.getMessage());
            }
            throw e;
        }
        if (!enabled) {
            route.disable();
        }
        return route;
    }

    /** The pool settings of the route this was, and the faults of each of its upstreams that stays. */
    private void keepWhatItWas(io.chaosproxy.RouteBuilder builder) {
        builder.poolSettingsOf(was);
        Set<String> done = new java.util.HashSet<>();
        for (io.chaosproxy.Upstream upstream : was.upstreams()) {
            if (upstreams.targets().contains(upstream.address()) && done.add(upstream.address())) {
                upstream.faults().forEach(fault -> builder.upstreamFault(upstream.address(), fault));
            }
        }
    }

    /** Two toxics of one request body with one name: Toxiproxy's 409 "toxic already exists", naming it. */
    static ApiException toxicTwice(String proxy, DuplicateException e) {
        return new ApiException(409, "toxic already exists: two toxics of proxy '" + proxy + "' are named '"
                + e.value() + "'");
    }

    /**
     * A port something else listens on: the request conflicts with the machine's state, so 409, where Toxiproxy
     * answers 500. A 5xx would say the proxy failed; here it did not, and a retry with another port works.
     */
    private static ApiException portInUse(String message) {
        return new ApiException(409, message);
    }

    /**
     * The proxy's JSON as Toxiproxy writes it: name, listen (as bound), upstream (the first target), enabled,
     * toxics; and ours, which Toxiproxy clients ignore: every target in {@code upstreams}, and each one's state.
     */
    static ObjectNode json(Route route) {
        ObjectNode node = Json.objectNode();
        node.put("name", route.name());
        node.put("listen", listen(route.localAddress()));
        node.put("upstream", route.upstream());
        node.set("upstreams", Upstreams.json(route));
        node.put("enabled", route.isEnabled());
        node.set("toxics", toxicsJson(route));
        node.set("upstream_state", Upstreams.stateJson(route));
        return node;
    }

    /** A route's toxics: the upstream chain first, then the downstream one, then faults applying both ways. */
    static ArrayNode toxicsJson(Route route) {
        ArrayNode toxics = Json.arrayNode();
        List<Fault> faults = new ArrayList<>(route.faults());
        faults.sort(Comparator.comparing(ProxySpec::order));   // stable: chain order within each direction
        faults.forEach(fault -> toxics.add(Toxics.json(fault)));
        return toxics;
    }

    static String listen(InetSocketAddress address) {
        if (address.isUnresolved()) {
            return address.getHostString() + ":" + address.getPort();   // not looked up yet
        }
        String host = address.getAddress().getHostAddress();
        if (address.getAddress() instanceof Inet6Address) {
            int scope = host.indexOf('%');
            host = "[" + (scope < 0 ? host : host.substring(0, scope)) + "]";
        }
        return host + ":" + address.getPort();
    }

    private static int order(Fault fault) {
        return fault.direction() == Direction.UPSTREAM ? 0 : fault.direction() == Direction.DOWNSTREAM ? 1 : 2;
    }

    private static List<Fault> toxics(JsonNode json, String where) {
        if (json == null || json.isNull()) {
            return null;
        }
        if (!json.isArray()) {
            throw ApiException.badRequest("bad request body: " + where + " is " + Json.kind(json)
                    + "; expected an array of toxics");
        }
        List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < json.size(); i++) {
            faults.add(Toxics.parse(json.get(i), where + "[" + i + "]"));   // names: the route checks them
        }
        return faults;
    }
}
