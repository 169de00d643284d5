package io.chaosproxy.config;

import io.chaosproxy.ChaosProxy;
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
 * Turns a parsed config document into a builder: the original format (a list of routes), the full one (an object
 * with settings and {@code routes}) or the seeds' apps ({@link AppsReader}). Every value is checked before the
 * builder gets any route.
 */
final class BuilderReader {
    private static final String ROUTES = "expected a list of routes, each {localPort, upstream, ...}";

    private final Problems problems;
    private final IntUnaryOperator ports;
    private final ChaosProxy.Builder builder = ChaosProxy.builder();

    BuilderReader(Problems problems, IntUnaryOperator ports) {
        this.problems = problems;
        this.ports = ports;
    }

    ChaosProxy.Builder read(Node root) {
        Tags.check(root, "", problems);
        List<RouteSpec> routes;
        if (root instanceof SequenceNode) {
            routes = routes(root, true);
        } else if (AppsReader.isApps(root)) {
            routes = AppsReader.read(root, problems);
        } else if (root instanceof MappingNode) {
            routes = full(root);
        } else {
            problems.add("", root, (root == null ? "the document is empty" : ConfigObject.describe(root)
                    + " is not a config") + "; expected a list of routes (the original format), an object"
                    + " with settings and routes, or one with Apps (the seeds' format)");
            routes = List.of();
        }
        problems.throwIfAny();
        for (RouteSpec spec : routes) {
            spec.addTo(builder, ports);
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
        Clashes clashes = new Clashes(problems, "routes", "route",
                "give each route its own port" + (original ? "" : " (or 0 for an ephemeral one)"));
        for (int i = 0; i < items.size(); i++) {
            ConfigObject route = ConfigObject.of(items.get(i), "routes[" + i + "]", problems);
            if (route == null) {
                continue;
            }
            RouteSpec spec = RouteReader.read(route, original, problems);
            String name = spec.name() != null ? spec.name() : RouteRules.defaultName(i);
            clashes.claim(i, name, route, "name", spec.ports());
            routes.add(spec);
        }
        return routes;
    }
}
