package io.chaosproxy.config;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.RouteBuilder;
import io.chaosproxy.internal.HostPort;
import io.chaosproxy.internal.RouteRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Turns a parsed config document into a builder: the original format (a list of routes) or the full one (an
 * object with settings and {@code routes}). Every value is checked before the builder gets any route.
 */
final class BuilderReader {
    private static final String UPSTREAM = "expected host:port, ip:port or [ipv6]:port";
    private static final String ROUTES = "expected a list of routes, each {localPort, upstream, ...}";

    private final Problems problems;
    private final IntUnaryOperator ports;
    private final ChaosProxy.Builder builder = ChaosProxy.builder();

    BuilderReader(Problems problems, IntUnaryOperator ports) {
        this.problems = problems;
        this.ports = ports;
    }

    /** A route as the file gives it, checked. */
    private record RouteSpec(String name, int localPort, String upstream, boolean enabled, List<Fault> faults) {
    }

    ChaosProxy.Builder read(Node root) {
        Tags.check(root, "", problems);
        List<RouteSpec> routes;
        if (root instanceof SequenceNode) {
            routes = routes(root, true);
        } else if (root instanceof MappingNode) {
            routes = full(root);
        } else {
            problems.add("", root, (root == null ? "the document is empty" : ConfigObject.describe(root)
                    + " is not a config") + "; expected a list of routes (the original format) or an object"
                    + " with settings and routes");
            routes = List.of();
        }
        problems.throwIfAny();
        for (RouteSpec spec : routes) {
            RouteBuilder route = builder.route(ports.applyAsInt(spec.localPort()), spec.upstream());
            if (spec.name() != null) {
                route.name(spec.name());
            }
            route.enabled(spec.enabled());
            spec.faults().forEach(route::fault);
        }
        return builder;
    }

    private List<RouteSpec> full(Node root) {
        ConfigObject config = ConfigObject.of(root, "", problems);
        Long seed = config.integer("seed", false, Long.MIN_VALUE, Long.MAX_VALUE,
                "expected a whole number (64 bits)");
        if (seed != null) {
            builder.seed(seed);
        }
        String bindAddress = config.string("bindAddress", false, "expected an address such as \"127.0.0.1\"");
        if (bindAddress != null) {
            setting(config, "bindAddress", b -> b.bindAddress(bindAddress));
        }
        Duration connectTimeout = config.duration("connectTimeout", false);
        if (connectTimeout != null) {
            setting(config, "connectTimeout", b -> b.connectTimeout(connectTimeout));
        }
        Duration shutdownTimeout = config.duration("shutdownTimeout", false);
        if (shutdownTimeout != null) {
            setting(config, "shutdownTimeout", b -> b.shutdownTimeout(shutdownTimeout));
        }
        Long backlog = config.integer("acceptBacklog", false, 1, Integer.MAX_VALUE);
        if (backlog != null) {
            setting(config, "acceptBacklog", b -> b.acceptBacklog(backlog.intValue()));
        }
        Long loops = config.integer("eventLoops", false, 1, 64);
        if (loops != null) {
            setting(config, "eventLoops", b -> b.eventLoops(loops.intValue()));
        }
        Long highWaterMark = config.integer("highWaterMark", false, 64 * 1024,
                ChaosProxy.Builder.MAX_HIGH_WATER_MARK);
        if (highWaterMark != null) {
            setting(config, "highWaterMark", b -> b.highWaterMark(highWaterMark));
        }
        Node routes = config.raw("routes");
        config.finish();
        if (routes == null) {
            config.missing("routes", ROUTES);
            return List.of();
        }
        if (!(routes instanceof SequenceNode)) {
            problems.add("routes", routes, ConfigObject.describe(routes) + " is not a list; " + ROUTES);
            return List.of();
        }
        return routes(routes, false);
    }

    /** Applies a setting the builder checks once more, recording its complaint. */
    private void setting(ConfigObject config, String key, Consumer<ChaosProxy.Builder> apply) {
        try {
            apply.accept(builder);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            if (message.startsWith(key + ":")) {
                message = message.substring(key.length() + 1).strip();
            }
            config.problem(key, message);
        }
    }

    private List<RouteSpec> routes(Node list, boolean original) {
        List<Node> items = ((SequenceNode) list).getValue();
        if (items.isEmpty()) {
            problems.add(original ? "" : "routes", list, "the list of routes is empty; add at least one route");
        }
        List<RouteSpec> routes = new ArrayList<>();
        RouteRules rules = new RouteRules();
        for (int i = 0; i < items.size(); i++) {
            String path = "routes[" + i + "]";
            ConfigObject route = ConfigObject.of(items.get(i), path, problems);
            if (route == null) {
                continue;
            }
            RouteSpec spec = route(route, original);
            String name = spec.name() != null ? spec.name() : RouteRules.defaultName(i);
            RouteRules.Clash sameName = rules.nameClash(name);
            if (sameName != null) {
                route.problem("name", "\"" + name + "\" is used by routes[" + sameName.otherPosition()
                        + "] too; route names must be unique");
            }
            RouteRules.Clash samePort = rules.portClash(name, spec.localPort());
            if (samePort != null) {
                route.problem("localPort", spec.localPort() + " is used by routes[" + samePort.otherPosition()
                        + "] too; give each route its own port" + (original ? "" : " (or 0 for an ephemeral one)"));
            }
            rules.add(i, name, spec.localPort());
            routes.add(spec);
        }
        return routes;
    }

    /** One route; with problems (recorded), what could be read of it. */
    private RouteSpec route(ConfigObject route, boolean original) {
        String name = route.string("name", false, "expected a name, unique within the proxy");
        if (name != null && name.isBlank()) {
            route.problem("name", "\"" + name + "\" is blank; give a name or leave the field out");
        }
        int minPort = original ? 1 : 0;
        Long port = route.integer("localPort", true, Long.MIN_VALUE, Long.MAX_VALUE,
                "expected a port in " + minPort + "..65535");
        if (port != null && (port < minPort || port > 65535)) {
            route.problem("localPort", port + " is outside " + minPort + "..65535" + (original && port == 0
                    ? "; a list of routes (the original format) needs fixed ports: for an ephemeral port use the"
                    + " full format, {\"routes\": [...]}" : original ? "" : "; 0 picks an ephemeral port"));
            port = null;
        }
        String upstream = route.string("upstream", true, UPSTREAM);
        if (upstream != null) {
            try {
                HostPort.parse(upstream);
            } catch (IllegalArgumentException e) {
                route.problem("upstream", e.getMessage().replaceFirst("^upstream ", ""));
            }
        }
        Boolean enabled = route.bool("enabled");
        List<Fault> faults = new ArrayList<>();
        Double dropRate = route.probability("dropRate", false);
        if (dropRate != null) {
            faults.add(Fault.drop(dropRate));
        }
        Duration latency = route.millis("latencyMs");
        if (latency != null) {
            // The original tool waited latencyMs before forwarding began, once per connection: a connect delay.
            faults.add(Fault.connectDelay(latency));
        }
        List<Node> faultNodes = route.list("faults", false, "expected a list of faults, each {type, attributes...}");
        if (faultNodes != null) {
            int shortcuts = faults.size();
            List<Integer> positions = new ArrayList<>();   // each fault's index in the file's faults list
            for (int i = 0; i < faultNodes.size(); i++) {
                String path = route.child("faults") + "[" + i + "]";
                Fault fault = FaultReader.read(faultNodes.get(i), path, problems);
                if (fault == null) {
                    continue;
                }
                RouteRules.Clash same = RouteRules.faultClash(name == null ? "" : name, faults, fault);
                if (same != null) {
                    int other = same.otherPosition();
                    problems.add(path, faultNodes.get(i), "name \"" + fault.name() + "\" is used by "
                            + (other < shortcuts ? "this route's dropRate or latencyMs"
                            : "faults[" + positions.get(other - shortcuts) + "]") + " too; give it another name");
                    continue;   // the first keeps the name: a third one is reported against it too
                }
                faults.add(fault);
                positions.add(i);
            }
        }
        route.finish();
        // With problems, the spec still carries what was readable, so duplicates are reported too.
        return new RouteSpec(name, port == null ? -1 : port.intValue(), upstream, enabled == null || enabled, faults);
    }
}
