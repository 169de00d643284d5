package io.chaosproxy;

import java.util.Objects;

/**
 * A name or port that must be unique is taken already: a route's name or fixed local port within one proxy, or
 * a fault's name within one route. Every front end adds routes and faults through the builder, so this one
 * check answers them all; each turns it into its own form (a config file's problem with its location, the
 * admin API's 409 "proxy already exists"), reading {@link #kind()} and {@link #value()} rather than the
 * message.
 */
public final class DuplicateException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** What must be unique. */
    public enum Kind {
        /** A route's name, unique within its proxy. */
        ROUTE_NAME,
        /** A route's local port other than 0 (ephemeral), unique within its proxy. */
        LOCAL_PORT,
        /** A fault's name, unique within its route. */
        FAULT_NAME
    }

    private final Kind kind;
    private final String route;
    private final String value;

    /**
     * @param route   the route being added, or whose faults clash
     * @param value   the name or port taken, as text
     * @param message the whole message, naming the route and the one that has the value
     */
    public DuplicateException(Kind kind, String route, String value, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.route = Objects.requireNonNull(route, "route");
        this.value = Objects.requireNonNull(value, "value");
    }

    /** What is taken: a route name, a local port or a fault name. */
    public Kind kind() {
        return kind;
    }

    /** The name of the route being added, or of the route whose faults share a name. */
    public String route() {
        return route;
    }

    /** The route name, port or fault name that is taken, as text: {@code "db"}, {@code "8080"}. */
    public String value() {
        return value;
    }
}
