package io.chaosproxy.internal;

import io.chaosproxy.DuplicateException;
import io.chaosproxy.DuplicateException.Kind;
import io.chaosproxy.Fault;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place that decides what must be unique: within one proxy, route names and fixed local ports (port 0,
 * ephemeral, may repeat); within one route, fault names. The builder, {@code addRoute} and a route's fault
 * changes throw {@link DuplicateException} from here; the config reader asks the same questions to report
 * each clash at its place in the file; the JUnit annotations and the admin API turn the exception into their
 * own answer.
 *
 * <p>An instance holds the routes of one proxy, declared so far or running, by position. Not thread-safe.
 */
public final class RouteRules {
    /**
     * A name or port that is taken.
     *
     * @param kind          what is taken
     * @param route         the route that asked for it
     * @param value         the name or port
     * @param otherPosition the position of the route (or fault, for a fault name) that has it
     * @param otherName     the name of the route (or fault) that has it
     */
    public record Clash(Kind kind, String route, String value, int otherPosition, String otherName) {

        /** The clash as the API reports it, naming both routes (or faults). */
        public DuplicateException exception() {
            String message = switch (kind) {
                case ROUTE_NAME -> "route '" + route + "': name is used by routes[" + otherPosition
                        + "] too; route names must be unique";
                case LOCAL_PORT -> "route '" + route + "': localPort " + value + " is used by route '" + otherName
                        + "' too; use another port or 0";
                case FAULT_NAME -> "route '" + route + "': a fault named '" + value + "' exists already; fault"
                        + " names must be unique within a route, so give one of them another name with named(...)";
            };
            return new DuplicateException(kind, route, value, message);
        }
    }

    private record Holder(int position, String name) {
    }

    private final Map<String, Holder> names = new HashMap<>();
    private final Map<Integer, Holder> ports = new HashMap<>();

    /** The name a route gets when none is given: {@code route-<n>}, n its position from 0. */
    public static String defaultName(int position) {
        return "route-" + position;
    }

    /** The clash a route of this name would make, or null when the name is free. Records nothing. */
    public Clash nameClash(String name) {
        Holder other = names.get(name);
        return other == null ? null : new Clash(Kind.ROUTE_NAME, name, name, other.position(), other.name());
    }

    /** The clash the route {@code name} listening on {@code localPort} would make, or null. Records nothing. */
    public Clash portClash(String name, int localPort) {
        Holder other = isFixed(localPort) ? ports.get(localPort) : null;
        return other == null ? null
                : new Clash(Kind.LOCAL_PORT, name, Integer.toString(localPort), other.position(), other.name());
    }

    /**
     * Records a route, clashing or not (each name and port stays with the first route that had it), so that a
     * reader can go on and report every clash of a file.
     */
    public void add(int position, String name, int localPort) {
        Holder holder = new Holder(position, name);
        names.putIfAbsent(name, holder);
        if (isFixed(localPort)) {
            ports.putIfAbsent(localPort, holder);
        }
    }

    /** Records a route of several ports, clashing or not; see {@link #add(int, String, int)}. */
    public void add(int position, String name, List<Integer> localPorts) {
        for (int port : localPorts) {
            add(position, name, port);
        }
    }

    /**
     * Records a route whose name and ports are free.
     *
     * @throws DuplicateException when another route has the name, or one of the ports (checked in that order)
     */
    public void claim(int position, String name, List<Integer> localPorts) {
        Clash clash = nameClash(name);
        for (int i = 0; clash == null && i < localPorts.size(); i++) {
            clash = portClash(name, localPorts.get(i));
        }
        if (clash != null) {
            throw clash.exception();
        }
        add(position, name, localPorts);
    }

    /**
     * Records a route whose name and port are free.
     *
     * @throws DuplicateException when another route has the name, or the port (checked in that order)
     */
    public void claim(int position, String name, int localPort) {
        Clash clash = nameClash(name);
        if (clash == null) {
            clash = portClash(name, localPort);
        }
        if (clash != null) {
            throw clash.exception();
        }
        add(position, name, localPort);
    }

    /** The clash {@code fault} would make behind {@code faults} of the route {@code route}, or null. */
    public static Clash faultClash(String route, List<Fault> faults, Fault fault) {
        for (int i = 0; i < faults.size(); i++) {
            if (faults.get(i).name().equals(fault.name())) {
                return new Clash(Kind.FAULT_NAME, route, fault.name(), i, fault.name());
            }
        }
        return null;
    }

    /**
     * Checks that {@code fault} may join {@code faults} of the route {@code route}.
     *
     * @throws DuplicateException when one of {@code faults} has its name
     */
    public static void checkNewFault(String route, List<Fault> faults, Fault fault) {
        Clash clash = faultClash(route, faults, fault);
        if (clash != null) {
            throw clash.exception();
        }
    }

    /**
     * Checks that no two of a route's faults share a name.
     *
     * @throws DuplicateException for the first fault whose name an earlier one has
     */
    public static void checkFaults(String route, List<Fault> faults) {
        for (int i = 1; i < faults.size(); i++) {
            checkNewFault(route, faults.subList(0, i), faults.get(i));
        }
    }

    private static boolean isFixed(int localPort) {
        return localPort > 0;
    }
}
