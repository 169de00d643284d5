package io.chaosproxy.config;

import io.chaosproxy.Balancing;
import io.chaosproxy.config.RouteSpec.ListenPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Reads the seeds' "apps" as their TCP proxies did: {@code {"Apps": [{"Name": "...", "Ports": [5001, 5200],
 * "Targets": ["host:1234", "host:5678"]}]}}, field names in any case (Go's JSON reader matches them so, and its
 * YAML reader wants them lower case). Each app is a route named by its name, listening on every port, balancing
 * its targets round robin, with the seeds' health check: a probe every 30 s, failing after 2 s. Targets are looked
 * up for each connection, as the seeds' tools dialled them by name, so a target that does not resolve is failed
 * over like one that refuses instead of failing the start.
 */
final class AppsReader {
    static final Duration HEALTH_INTERVAL = Duration.ofSeconds(30);
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
    private static final String APPS = "expected a list of apps, each {Name, Ports, Targets}";

    private AppsReader() {
    }

    /** Whether {@code root} is the seeds' format: an object with {@code Apps}, in any case. */
    static boolean isApps(Node root) {
        if (!(root instanceof MappingNode mapping)) {
            return false;
        }
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode key && key.getValue().equalsIgnoreCase("apps")) {
                return true;
            }
        }
        return false;
    }

    static List<RouteSpec> read(Node root, Problems problems) {
        ConfigObject config = ConfigObject.ofAnyCase(root, "", problems);
        List<Node> items = config == null ? null : config.list("Apps", true, APPS);
        if (config != null) {
            config.finish();
        }
        if (items == null) {
            return List.of();
        }
        String list = config.child("Apps");
        if (items.isEmpty()) {
            config.problem("Apps", "the list of apps is empty; add at least one app");
        }
        List<RouteSpec> routes = new ArrayList<>();
        Clashes clashes = new Clashes(problems, list, "app", "give each app its own ports (or 0 for an ephemeral one)");
        for (int i = 0; i < items.size(); i++) {
            ConfigObject app = ConfigObject.ofAnyCase(items.get(i), list + "[" + i + "]", problems);
            if (app == null) {
                continue;
            }
            RouteSpec spec = app(app, problems);
            clashes.claim(i, spec.name(), app, "Name", spec.ports());
            routes.add(spec);
        }
        return routes;
    }

    private static RouteSpec app(ConfigObject app, Problems problems) {
        String name = app.string("Name", true, "expected the app's name, unique within the file");
        if (name != null && name.isBlank()) {
            app.problem("Name", "\"" + name + "\" is blank; give each app a name");
            name = null;
        }
        List<ListenPort> ports = ports(app, problems);
        List<String> targets = null;
        List<Node> targetNodes = app.list("Targets", true, "expected a list of host:port, each a target of the app");
        if (targetNodes != null && targetNodes.isEmpty()) {
            app.problem("Targets", "the list is empty; give at least one target");
        } else if (targetNodes != null) {
            targets = RouteReader.targets(targetNodes, app.child("Targets"), problems);
        }
        app.finish();
        return new RouteSpec(name, ports, targets == null ? List.of() : targets, true, List.of(), Map.of(),
                route -> route.balancing(Balancing.ROUND_ROBIN).healthCheck(HEALTH_INTERVAL, HEALTH_TIMEOUT)
                        .resolveUpstreamOnConnect(true));
    }

    private static List<ListenPort> ports(ConfigObject app, Problems problems) {
        List<Node> items = app.list("Ports", true, "expected a list of ports in 0..65535");
        if (items == null) {
            return List.of();
        }
        if (items.isEmpty()) {
            app.problem("Ports", "the list is empty; give at least one port");
        }
        List<ListenPort> ports = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = app.child("Ports") + "[" + i + "]";
            Long port = ConfigObject.integerAt(items.get(i), path, problems, 0, 65535,
                    "expected a port in 0..65535 (0 for an ephemeral one)");
            if (port == null) {
                continue;
            }
            if (port > 0 && ports.stream().anyMatch(p -> p.number() == port)) {
                problems.add(path, items.get(i), port + " is given twice; give each port once");
                continue;
            }
            ports.add(new ListenPort(port.intValue(), path, items.get(i)));
        }
        return ports;
    }
}
