package io.chaosproxy.config;

import io.chaosproxy.Fault;
import io.chaosproxy.Scenario;
import io.chaosproxy.Step;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads a route's {@code schedule} into a {@link Scenario}: {@code steps} (each {@code at} and {@code action}, with
 * the action's {@code fault}, {@code name} or {@code faults}), or {@code flapping: {meanUp, meanDown}}; and
 * {@code length} and {@code repeat} (a count, or {@code forever}).
 *
 * <pre>
 * schedule:
 *   repeat: 3
 *   length: 8s
 *   steps:
 *     - { at: 0s, action: add, fault: { type: latency, attributes: { latency: 200ms } } }
 *     - { at: 2s, action: disable }
 *     - { at: 5s, action: enable }
 *     - { at: 6s, action: remove, name: latency_downstream }
 * </pre>
 */
final class ScheduleReader {
    static final List<String> ACTIONS = List.of("add", "update", "remove", "set_faults", "disable", "enable",
            "close_connections");
    private static final String STEPS = "expected a list of steps, each {at, action...}";

    private final Problems problems;

    private ScheduleReader(Problems problems) {
        this.problems = problems;
    }

    /** The scenario at {@code node}, or null when it has problems (recorded). */
    static Scenario read(Node node, String path, Problems problems) {
        return new ScheduleReader(problems).read(node, path);
    }

    private Scenario read(Node node, String path) {
        ConfigObject schedule = ConfigObject.of(node, path, problems);
        if (schedule == null) {
            return null;
        }
        int before = problems.count();
        Scenario.Builder builder = Scenario.builder();
        Node flapping = schedule.raw("flapping");
        List<Node> steps = schedule.list("steps", false, STEPS);
        if (flapping != null && steps != null) {
            schedule.problem("flapping", "is given with steps too; flapping draws its own timing, give one of them");
        } else if (flapping != null) {
            flapping(flapping, schedule.child("flapping"), builder);
        } else if (steps == null) {
            schedule.missing("steps", STEPS + ", or flapping: {meanUp, meanDown}");
        } else if (steps.isEmpty()) {
            schedule.problem("steps", "the list is empty; give at least one step");
        } else {
            for (int i = 0; i < steps.size(); i++) {
                step(steps.get(i), schedule.child("steps") + "[" + i + "]", builder);
            }
        }
        Duration length = schedule.duration("length", false);
        if (length != null) {
            builder.length(length);
        }
        repeat(schedule, builder);
        schedule.finish();
        if (problems.count() > before) {
            return null;
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            schedule.problemHere(e.getMessage().replaceFirst("^scenario: ", ""));
            return null;
        }
    }

    private void repeat(ConfigObject schedule, Scenario.Builder builder) {
        Node repeat = schedule.raw("repeat");
        if (repeat == null) {
            return;
        }
        if (ConfigObject.isScalar(repeat, Tag.STR) && ((ScalarNode) repeat).getValue().equals("forever")) {
            builder.repeatForever();
            return;
        }
        Long times = schedule.integer("repeat", false, Long.MIN_VALUE, Long.MAX_VALUE, "expected how many times to"
                + " play it (1 or more), or forever");
        if (times != null && times < 1) {
            schedule.problem("repeat", times + " is less than 1; give how many times to play it, or forever");
        } else if (times != null) {
            builder.repeat(times);
        }
    }

    private void flapping(Node node, String path, Scenario.Builder builder) {
        ConfigObject flapping = ConfigObject.of(node, path, problems);
        if (flapping == null) {
            return;
        }
        Duration up = flapping.positiveDuration("meanUp", true);
        Duration down = flapping.positiveDuration("meanDown", true);
        flapping.finish();
        if (up != null && down != null) {
            builder.flapping(up, down);
        }
    }

    private void step(Node node, String path, Scenario.Builder builder) {
        ConfigObject step = ConfigObject.of(node, path, problems);
        if (step == null) {
            return;
        }
        Duration at = step.duration("at", true);
        String expected = "expected one of " + String.join(", ", ACTIONS);
        String action = step.string("action", true, expected);
        Step made = null;
        if (action != null) {
            made = switch (action) {
                case "add" -> fault(step, Step::add);
                case "update" -> fault(step, Step::update);
                case "remove" -> {
                    String name = step.string("name", true, "expected the name of the fault to remove");
                    yield name == null ? null : Step.remove(name);
                }
                case "set_faults" -> faults(step);
                case "disable" -> Step.disable();
                case "enable" -> Step.enable();
                case "close_connections" -> Step.closeConnections();
                default -> {
                    step.problem("action", "\"" + action + "\" is not an action; " + expected);
                    yield null;
                }
            };
        }
        step.finish();
        if (at != null && made != null) {
            builder.at(at, made);
        }
    }

    private Step fault(ConfigObject step, java.util.function.Function<Fault, Step> make) {
        Node node = step.raw("fault");
        if (node == null) {
            step.missing("fault", "expected a fault, {type, attributes...}");
            return null;
        }
        Fault fault = FaultReader.read(node, step.child("fault"), problems);
        return fault == null ? null : make.apply(fault);
    }

    private Step faults(ConfigObject step) {
        List<Node> nodes = step.list("faults", true, "expected a list of faults, each {type, attributes...}; [] for"
                + " none");
        if (nodes == null) {
            return null;
        }
        List<Fault> faults = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            Fault fault = FaultReader.read(nodes.get(i), step.child("faults") + "[" + i + "]", problems);
            if (fault != null) {
                faults.add(fault);
            }
        }
        return faults.size() == nodes.size() ? Step.setFaults(faults) : null;
    }
}
