package io.chaosproxy.config;

import io.chaosproxy.config.RouteSpec.ListenPort;
import io.chaosproxy.internal.RouteRules;
import java.util.List;

/**
 * Finds the routes of a file that take a name or a fixed port an earlier one has, by the rules the builder applies
 * ({@link RouteRules}), and reports each clash at its place in the file, so that all of them are found at once.
 */
final class Clashes {
    private final RouteRules rules = new RouteRules();
    private final Problems problems;
    private final String list;
    private final String noun;
    private final String portAdvice;

    /**
     * @param list       what the file calls its list of routes, for messages: {@code routes}, {@code Apps}
     * @param noun       what it calls one of them: {@code route}, {@code app}
     * @param portAdvice what to do about a taken port
     */
    Clashes(Problems problems, String list, String noun, String portAdvice) {
        this.problems = problems;
        this.list = list;
        this.noun = noun;
        this.portAdvice = portAdvice;
    }

    /**
     * Reports a name or port of the route at {@code position} that an earlier route has, then records the route.
     *
     * @param name    its name, the default one when the file gives none; null when its name has a problem (then
     *                only its ports are checked)
     * @param route   the route's object in the file
     * @param nameKey the field of its name, where a taken name is reported
     * @param ports   its valid ports
     */
    void claim(int position, String name, ConfigObject route, String nameKey, List<ListenPort> ports) {
        RouteRules.Clash sameName = name == null ? null : rules.nameClash(name);
        if (sameName != null) {
            route.problem(nameKey, "\"" + name + "\" is used by " + list + "[" + sameName.otherPosition() + "] too; "
                    + noun + " names must be unique");
        }
        for (ListenPort port : ports) {
            RouteRules.Clash samePort = rules.portClash(name, port.number());
            if (samePort != null) {
                problems.add(port.path(), port.node(), port.number() + " is used by " + list + "["
                        + samePort.otherPosition() + "] too; " + portAdvice);
            }
        }
        rules.add(position, name, ports.stream().map(ListenPort::number).toList());
    }
}
