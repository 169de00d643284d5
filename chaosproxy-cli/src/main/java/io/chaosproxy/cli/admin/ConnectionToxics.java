package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Fault;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * One connection's toxics as the {@code /connections/{id}/toxics} resources show them: each in Toxiproxy's toxic
 * JSON plus {@code scope} and {@code active}. {@code scope} is {@code connection} for a toxic added to it alone
 * (the only ones these resources change), {@code proxy} for its proxy's, {@code upstream} for one its upstream
 * carries (from a config file). {@code active} says whether the toxicity roll picked this connection: the proxy's
 * toxics are listed only when it did, the connection's own always, so that each can be changed or removed.
 */
final class ConnectionToxics {
    private final ChaosProxy proxy;
    private final ChaosConnection connection;

    ConnectionToxics(ChaosProxy proxy, ChaosConnection connection) {
        this.proxy = proxy;
        this.connection = connection;
    }

    /** In chain order: the proxy's (and its upstream's) that apply, then the connection's own. */
    ArrayNode json() {
        ArrayNode list = Json.arrayNode();
        connection.faults().stream().filter(fault -> named(connection.ownFaults(), fault.name()).isEmpty())
                .forEach(fault -> list.add(json(fault)));
        connection.ownFaults().forEach(fault -> list.add(json(fault)));
        return list;
    }

    /** One toxic of this connection, its own or not; 404 {@code toxic not found} when it has none of that name. */
    ObjectNode json(String name) {
        return json(named(connection.ownFaults(), name).or(() -> named(connection.faults(), name))
                .orElseThrow(ApiException::toxicNotFound));
    }

    ObjectNode json(Fault fault) {
        ObjectNode node = Toxics.json(fault);
        node.put("scope", named(connection.ownFaults(), fault.name()).isPresent() ? "connection"
                : named(proxyFaults(), fault.name()).isPresent() ? "proxy" : "upstream");
        node.put("active", named(connection.faults(), fault.name()).isPresent());
        return node;
    }

    /**
     * The connection's own toxic of that name: 409 when the name is its proxy's (or its upstream's), a toxic to
     * change on the proxy, 404 when it has none.
     */
    Fault own(String name) {
        Optional<Fault> own = named(connection.ownFaults(), name);
        if (own.isPresent()) {
            return own.get();
        }
        if (named(proxyFaults(), name).isPresent()) {
            throw notOwn(name, "/proxies/" + connection.route() + "/toxics/" + name);
        }
        if (named(connection.faults(), name).isPresent()) {
            throw notOwn(name, "its upstream " + connection.upstream() + " in the config file");
        }
        throw ApiException.toxicNotFound();
    }

    private ApiException notOwn(String name, String where) {
        return new ApiException(409, "toxic '" + name + "' belongs to proxy '" + connection.route()
                + "', not to connection " + connection.id() + " alone; change or remove it there: " + where);
    }

    private List<Fault> proxyFaults() {
        try {
            return proxy.route(connection.route()).faults();
        } catch (NoSuchElementException e) {
            throw ApiException.connectionNotFound();   // its proxy was deleted since: the connection is gone too
        }
    }

    private static Optional<Fault> named(List<Fault> faults, String name) {
        return faults.stream().filter(fault -> fault.name().equals(name)).findFirst();
    }
}
