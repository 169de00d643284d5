package io.chaosproxy.config;

import io.chaosproxy.Fault;
import io.chaosproxy.NetworkProfile;
import io.chaosproxy.RouteBuilder;
import io.chaosproxy.config.RouteSpec.ListenPort;
import io.chaosproxy.internal.HostPort;
import io.chaosproxy.internal.RouteRules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads one route of the original or the full format: {@code name}, {@code localPort} or {@code localPorts},
 * {@code upstream} or {@code upstreams}, {@code enabled}, the original's {@code dropRate} and {@code latencyMs},
 * {@code faults}, {@code profile}, {@code upstreamFaults}, the pool's settings ({@link PoolReader}) and a
 * {@code schedule} ({@link ScheduleReader}). With problems (recorded), it
 * returns what could be read, so that clashes with other routes are found too.
 */
final class RouteReader {
    static final String UPSTREAM = "expected host:port, ip:port or [ipv6]:port";
    private static final String FAULTS = "expected a list of faults, each {type, attributes...}";

    private final ConfigObject route;
    private final boolean original;
    private final Problems problems;

    private RouteReader(ConfigObject route, boolean original, Problems problems) {
        this.route = route;
        this.original = original;
        this.problems = problems;
    }

    /** The route {@code route} describes; {@code original} for an entry of the original format's list. */
    static RouteSpec read(ConfigObject route, boolean original, Problems problems) {
        return new RouteReader(route, original, problems).read();
    }

    private RouteSpec read() {
        String name = route.string("name", false, "expected a name, unique within the proxy");
        if (name != null && name.isBlank()) {
            route.problem("name", "\"" + name + "\" is blank; give a name or leave the field out");
        }
        List<ListenPort> ports = ports();
        List<String> upstreams = upstreams();
        Boolean enabled = route.bool("enabled");
        List<Fault> faults = new ArrayList<>();
        List<String> faultPlaces = new ArrayList<>();   // where each of faults is given, for a clash's message
        Double dropRate = route.probability("dropRate", false);
        // 0 means "none" in the original tool: no fault, rather than one that does nothing but show up and count.
        if (dropRate != null && dropRate > 0) {
            faults.add(Fault.drop(dropRate));
            faultPlaces.add("this route's dropRate or latencyMs");
        }
        Duration latency = route.millis("latencyMs");
        if (latency != null && !latency.isZero()) {
            // The original tool waited latencyMs before forwarding began, once per connection: a connect delay.
            faults.add(Fault.connectDelay(latency));
            faultPlaces.add("this route's dropRate or latencyMs");
        }
        List<Node> faultNodes = route.list("faults", false, FAULTS);
        if (faultNodes != null) {
            readFaults(faultNodes, route.child("faults"), "faults", name, faults, faultPlaces);
        }
        profile(name, faults, faultPlaces);
        Map<String, List<Fault>> upstreamFaults = upstreamFaults(upstreams, name, faults, faultPlaces);
        Consumer<RouteBuilder> settings = PoolReader.read(route, problems);
        Node scheduleNode = route.raw("schedule");
        if (scheduleNode != null) {
            io.chaosproxy.Scenario schedule = ScheduleReader.read(scheduleNode, route.child("schedule"), problems);
            settings = settings.andThen(builder -> builder.schedule(schedule));
        }
        route.finish();
        return new RouteSpec(name, ports, upstreams == null ? List.of() : upstreams, enabled == null || enabled,
                faults, upstreamFaults, settings);
    }

    /** {@code profile}: a {@link NetworkProfile}'s faults, behind the route's own. */
    private void profile(String name, List<Fault> faults, List<String> faultPlaces) {
        String expected = "expected one of " + NetworkProfile.ids();
        String id = route.string("profile", false, expected);
        if (id == null) {
            return;
        }
        NetworkProfile profile = NetworkProfile.named(id).orElse(null);
        if (profile == null) {
            route.problem("profile", "\"" + id + "\" is not a network profile; " + expected);
            return;
        }
        for (Fault fault : profile.faults()) {
            RouteRules.Clash same = RouteRules.faultClash(name == null ? "" : name, faults, fault);
            if (same != null) {
                route.problem("profile", "its fault \"" + fault.name() + "\" has the name of "
                        + faultPlaces.get(same.otherPosition()) + "; give that one another name");
                return;
            }
        }
        for (Fault fault : profile.faults()) {
            faults.add(fault);
            faultPlaces.add("this route's profile");
        }
    }

    /** The route's valid ports, from {@code localPort} or {@code localPorts}. */
    private List<ListenPort> ports() {
        Node one = route.raw("localPort");
        Node many = route.raw("localPorts");
        if (one != null && many != null) {
            route.problem("localPorts", "is given with localPort too; give localPort for one port or localPorts"
                    + " for several");
            return List.of();
        }
        if (one != null) {
            ListenPort port = port(one, route.child("localPort"));
            return port == null ? List.of() : List.of(port);
        }
        if (many == null) {
            route.missing("localPort", "expected a port in " + minPort() + "..65535");
            return List.of();
        }
        List<Node> items = route.list("localPorts", true, "expected a list of ports in " + minPort() + "..65535");
        if (items == null) {
            return List.of();
        }
        if (items.isEmpty()) {
            route.problem("localPorts", "the list is empty; give at least one port");
        }
        List<ListenPort> ports = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            ListenPort port = port(items.get(i), route.child("localPorts") + "[" + i + "]");
            if (port == null) {
                continue;
            }
            if (port.number() > 0 && ports.stream().anyMatch(p -> p.number() == port.number())) {
                problems.add(port.path(), port.node(), port.number() + " is given twice; give each port once");
                continue;
            }
            ports.add(port);
        }
        return ports;
    }

    private int minPort() {
        return original ? 1 : 0;
    }

    private ListenPort port(Node node, String path) {
        int min = minPort();
        Long port = ConfigObject.integerAt(node, path, problems, Long.MIN_VALUE, Long.MAX_VALUE,
                "expected a port in " + min + "..65535");
        if (port != null && (port < min || port > 65535)) {
            problems.add(path, node, port + " is outside " + min + "..65535" + (original && port == 0
                    ? "; a list of routes (the original format) needs fixed ports: for an ephemeral port use the"
                    + " full format, {\"routes\": [...]}" : original ? "" : "; 0 picks an ephemeral port"));
            return null;
        }
        return port == null ? null : new ListenPort(port.intValue(), path, node);
    }

    /** The route's upstreams, from {@code upstream} or {@code upstreams}; null when any of them has a problem. */
    private List<String> upstreams() {
        Node one = route.raw("upstream");
        Node many = route.raw("upstreams");
        if (one != null && many != null) {
            route.problem("upstreams", "is given with upstream too; give upstream for one target or upstreams for"
                    + " several");
            return null;
        }
        if (many == null) {
            String upstream = route.string("upstream", true, UPSTREAM);
            return upstream != null && parses(upstream, route.child("upstream"), one) ? List.of(upstream) : null;
        }
        List<Node> items = route.list("upstreams", true, "expected a list of host:port, ip:port or [ipv6]:port");
        if (items == null) {
            return null;
        }
        if (items.isEmpty()) {
            route.problem("upstreams", "the list is empty; give at least one upstream");
            return null;
        }
        return targets(items, route.child("upstreams"), problems);
    }

    /**
     * The upstreams at {@code items}, each {@code host:port}; null when any has a problem (recorded). The seeds'
     * apps list their targets the same way, sometimes one several times: it then gets as many turns.
     */
    static List<String> targets(List<Node> items, String path, Problems problems) {
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String itemPath = path + "[" + i + "]";
            String target = ConfigObject.stringAt(items.get(i), itemPath, problems, UPSTREAM);
            if (target != null && parses(target, itemPath, items.get(i), problems)) {
                targets.add(target);
            }
        }
        return targets.size() == items.size() ? targets : null;
    }

    private boolean parses(String upstream, String path, Node node) {
        return parses(upstream, path, node, problems);
    }

    private static boolean parses(String upstream, String path, Node node, Problems problems) {
        try {
            HostPort.parse(upstream);
            return true;
        } catch (IllegalArgumentException e) {
            problems.add(path, node, e.getMessage().replaceFirst("^upstream ", ""));
            return false;
        }
    }

    /**
     * Reads {@code nodes}, faults at {@code path} (called {@code place} in messages), adding each to {@code faults}
     * unless its name is taken there: faults' names are unique within a route and the upstream they apply to.
     */
    private List<Fault> readFaults(List<Node> nodes, String path, String place, String name, List<Fault> faults,
            List<String> faultPlaces) {
        List<Fault> read = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String itemPath = path + "[" + i + "]";
            Fault fault = FaultReader.read(nodes.get(i), itemPath, problems);
            if (fault == null) {
                continue;
            }
            RouteRules.Clash same = RouteRules.faultClash(name == null ? "" : name, faults, fault);
            if (same != null) {
                problems.add(itemPath, nodes.get(i), "name \"" + fault.name() + "\" is used by "
                        + faultPlaces.get(same.otherPosition()) + " too; give it another name");
                continue;   // the first keeps the name: a third one is reported against it too
            }
            faults.add(fault);
            faultPlaces.add(place + "[" + i + "]");
            read.add(fault);
        }
        return read;
    }

    /** {@code upstreamFaults}: a list of faults for each upstream, by the upstream as the route gives it. */
    private Map<String, List<Fault>> upstreamFaults(List<String> upstreams, String name, List<Fault> routeFaults,
            List<String> routePlaces) {
        Node node = route.raw("upstreamFaults");
        ConfigObject byUpstream = node == null ? null : ConfigObject.of(node, route.child("upstreamFaults"), problems);
        if (byUpstream == null) {
            return Map.of();
        }
        Map<String, List<Fault>> result = new LinkedHashMap<>();
        for (String key : byUpstream.names()) {
            String upstream = upstreams == null ? null
                    : upstreams.stream().filter(u -> u.strip().equals(key.strip())).findFirst().orElse(null);
            if (upstreams != null && upstream == null) {
                problems.add(byUpstream.child(key), byUpstream.keyNode(key), "\"" + key + "\" is not an upstream of"
                        + " this route; its upstreams are " + upstreams);
            } else if (upstream != null && result.containsKey(upstream)) {
                problems.add(byUpstream.child(key), byUpstream.keyNode(key), "\"" + key + "\" is " + upstream
                        + " again; give each upstream's faults once");
                upstream = null;
            }
            List<Node> nodes = byUpstream.list(key, true, FAULTS);
            if (nodes == null) {
                continue;
            }
            // An upstream's faults follow the route's: names taken there are taken here too.
            List<Fault> faults = new ArrayList<>(routeFaults);
            List<String> places = new ArrayList<>(routePlaces.stream()
                    .map(place -> place.startsWith("this route's") ? place : "this route's " + place).toList());
            List<Fault> own = readFaults(nodes, byUpstream.child(key), "upstreamFaults." + key, name, faults, places);
            if (upstream != null) {
                result.put(upstream, own);
            }
        }
        byUpstream.finish();
        return result;
    }
}
