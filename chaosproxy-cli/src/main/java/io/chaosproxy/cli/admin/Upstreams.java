package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.Route;
import io.chaosproxy.Upstream;
import java.util.ArrayList;
import java.util.List;

/**
 * The upstreams a request body names: Toxiproxy's single {@code upstream}, our {@code upstreams} list, or both
 * when they agree on the first target. A body giving {@code upstream} alone speaks of the first target, the one a
 * Toxiproxy client sees: the same one as now keeps every upstream the proxy has, another one leaves the proxy with
 * that one only.
 *
 * @param targets "host:port" texts as given, at least one
 * @param listed  whether the body gave {@code upstreams}, the whole list
 */
record Upstreams(List<String> targets, boolean listed) {

    Upstreams {
        targets = List.copyOf(targets);
    }

    /** A running route's upstreams, as given, in order. */
    static Upstreams of(Route route) {
        return new Upstreams(route.upstreams().stream().map(Upstream::address).toList(), true);
    }

    /**
     * What {@code node} gives, or null when it gives neither field ({@code upstream} blank counts as not given).
     *
     * @throws ApiException 400 for a wrong type, an empty list or entry, or an {@code upstream} that is not the
     *                      first of {@code upstreams}
     */
    static Upstreams parse(ObjectNode node, String where) {
        String single = Json.text(node, "upstream", where);
        if (single != null && single.isBlank()) {
            single = null;
        }
        JsonNode list = node.get("upstreams");
        if (list == null || list.isNull()) {
            return single == null ? null : new Upstreams(List.of(single), false);
        }
        String at = where.isEmpty() ? "" : where + ".";
        if (!list.isArray()) {
            throw Json.wrongType(where, "upstreams", list, "an array of \"host:port\" strings");
        }
        if (list.isEmpty()) {
            throw ApiException.badRequest(at + "upstreams is empty; expected at least one \"host:port\"");
        }
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            if (!entry.isTextual()) {
                throw Json.wrongType(where, "upstreams[" + i + "]", entry, "a \"host:port\" string");
            }
            if (entry.asText().isBlank()) {
                throw ApiException.badRequest(at + "upstreams[" + i + "] is empty; expected host:port");
            }
            targets.add(entry.asText());
        }
        if (single != null && !single.strip().equals(targets.get(0).strip())) {
            throw ApiException.badRequest(at + "upstream \"" + single + "\" is not the first of upstreams "
                    + targets + "; give upstreams alone, or upstream equal to its first entry");
        }
        return new Upstreams(targets, true);
    }

    /** The first target: Toxiproxy's {@code upstream}. */
    String first() {
        return targets.get(0);
    }

    /** The upstreams a proxy that has {@code current} gets from this request (see the class comment). */
    List<String> appliedTo(List<String> current) {
        return !listed && first().equals(current.get(0)) ? current : targets;
    }

    /** The {@code upstreams} list of a proxy's JSON. */
    static ArrayNode json(Route route) {
        ArrayNode list = Json.arrayNode();
        route.upstreams().forEach(upstream -> list.add(upstream.address()));
        return list;
    }

    /** Each upstream's state now, in the order of {@code upstreams}: health, breaker, connections. */
    static ArrayNode stateJson(Route route) {
        ArrayNode list = Json.arrayNode();
        for (Upstream upstream : route.upstreams()) {
            ObjectNode node = list.addObject();
            node.put("upstream", upstream.address());
            node.put("healthy", upstream.healthy());
            node.put("breaker_open", upstream.breakerOpen());
            node.put("connections_active", upstream.activeConnections());
            node.put("connections_total", upstream.connectionsTotal());
            node.put("connect_failures", upstream.connectFailures());
        }
        return list;
    }
}
