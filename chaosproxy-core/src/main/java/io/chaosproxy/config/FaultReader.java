package io.chaosproxy.config;

import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import io.chaosproxy.spi.FaultTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads one entry of a route's {@code faults}: {@code type}, optional {@code name}, {@code direction} and
 * {@code toxicity}, and the type's {@code attributes}, as its {@link FaultType} declares them: each under its own
 * name in its own unit (durations as text, or whole milliseconds in a {@code ...Ms} twin).
 */
final class FaultReader {

    private FaultReader() {
    }

    static List<String> typeNames() {
        return FaultTypes.all().stream().map(FaultType::name).toList();
    }

    /** The fault, or null when it has problems (recorded). */
    static Fault read(Node node, String path, Problems problems) {
        ConfigObject fault = ConfigObject.of(node, path, problems);
        if (fault == null) {
            return null;
        }
        int before = problems.count();
        String types = String.join(", ", typeNames());
        String type = fault.string("type", true, "expected one of " + types);
        if (type != null && FaultTypes.named(type).isEmpty()) {
            fault.problem("type", "\"" + type + "\" is not a fault type; expected one of " + types);
            type = null;
        }
        String name = fault.string("name", false, "expected a name, unique within the route");
        if (name != null && name.isBlank()) {
            fault.problem("name", "\"" + name + "\" is blank; give a name or leave the field out");
        }
        Direction direction = direction(fault);
        Double toxicity = fault.probability("toxicity", false);
        Node attributesNode = fault.raw("attributes");
        fault.finish();
        if (type == null) {
            return null;   // without a type, its attributes cannot be checked
        }
        ConfigObject attributes = attributesNode != null
                ? ConfigObject.of(attributesNode, fault.child("attributes"), problems)
                : ConfigObject.of(emptyObjectAt(fault), fault.child("attributes"), problems);
        if (attributes == null) {
            return null;
        }
        Fault made = attributes(type, attributes);
        attributes.finish();
        if (problems.count() > before) {
            return null;
        }
        try {
            if (name != null) {
                made = made.named(name);
            }
            if (direction != null) {
                made = made.direction(direction);
            }
            if (toxicity != null) {
                made = made.toxicity(toxicity);
            }
            return made;
        } catch (IllegalArgumentException e) {
            problems.add(path, node, e.getMessage());
            return null;
        }
    }

    private static Direction direction(ConfigObject fault) {
        String text = fault.string("direction", false, "expected upstream, downstream or both");
        if (text == null) {
            return null;
        }
        for (Direction direction : Direction.values()) {
            if (direction.wireName().equals(text.toLowerCase(Locale.ROOT))) {
                return direction;
            }
        }
        fault.problem("direction", "\"" + text + "\" is not a direction; expected upstream, downstream or both");
        return null;
    }

    /** The fault of {@code type} with its attributes, or null when any is missing or wrong (recorded). */
    private static Fault attributes(String typeName, ConfigObject a) {
        FaultType<?> type = FaultTypes.named(typeName).orElseThrow();
        int before = a.problemCount();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Attribute<?, ?> attribute : type.attributes()) {
            Object value = value(attribute, a);
            if (value != null) {
                values.put(attribute.name(), value);
            }
        }
        if (a.problemCount() > before) {
            return null;
        }
        try {
            return type.make(values);
        } catch (IllegalArgumentException e) {   // values checked against each other by the fault's constructor
            a.problemHere(e.getMessage());
            return null;
        }
    }

    /** One attribute as the file gives it, in our units; null when absent or wrong (recorded if so). */
    private static Object value(Attribute<?, ?> attribute, ConfigObject a) {
        String name = attribute.name();
        boolean required = attribute.required();
        return switch (attribute.kind()) {
            case DURATION -> a.duration(name, required);
            case INTEGER -> attribute.toxiproxyName().equals(name)
                    ? a.integer(name, required, attribute.min(), attribute.max())
                    : integerOrToxiproxy(attribute, a);
            case PROBABILITY -> a.probability(name, required);
            case NUMBER -> a.number(name, required, attribute.min(), attribute.max());
            case BOOLEAN -> a.bool(name);
            case CHOICE -> choice(attribute, a);
        };
    }

    /**
     * An integer that may also be given under Toxiproxy's name, in Toxiproxy's unit (bandwidth's {@code rate} in
     * KB/s beside our {@code bytesPerSecond}): one of the two.
     */
    private static Long integerOrToxiproxy(Attribute<?, ?> attribute, ConfigObject a) {
        String ours = attribute.name();
        String theirs = attribute.toxiproxyName();
        long factor = attribute.toxiproxyFactor();
        boolean hasTheirs = a.has(theirs);
        if (hasTheirs && a.has(ours)) {
            a.problem(ours, "is given with " + theirs + " too; give one of them");
            return null;
        }
        if (hasTheirs) {
            Long given = a.integer(theirs, true, -Math.floorDiv(-attribute.min(), factor), attribute.max() / factor);
            return given == null ? null : given * factor;
        }
        if (!a.has(ours) && attribute.required()) {
            a.missing(theirs, "give " + theirs + " in " + attribute.toxiproxyUnit() + " (as Toxiproxy) or " + ours
                    + " in " + attribute.unit());
            return null;
        }
        return a.integer(ours, false, attribute.min(), attribute.max());
    }

    private static String choice(Attribute<?, ?> attribute, ConfigObject a) {
        String expected = "expected " + or(attribute.choices());
        String text = a.string(attribute.name(), attribute.required(), expected);
        if (text == null) {
            return null;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        if (!attribute.choices().contains(lower)) {
            a.problem(attribute.name(), "\"" + text + "\" is not a " + attribute.name() + "; " + expected);
            return null;
        }
        return lower;
    }

    private static String or(List<String> choices) {
        return choices.size() == 1 ? choices.get(0)
                : String.join(", ", choices.subList(0, choices.size() - 1)) + " or " + choices.get(choices.size() - 1);
    }

    private static Node emptyObjectAt(ConfigObject fault) {
        return new MappingNode(Tag.MAP, true, new ArrayList<>(), FlowStyle.FLOW, fault.node().getStartMark(),
                fault.node().getEndMark());
    }
}
