package io.chaosproxy.config;

import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.fault.Bandwidth;
import io.chaosproxy.fault.DropMode;
import io.chaosproxy.fault.Slicer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.snakeyaml.engine.v2.common.FlowStyle;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads one entry of a route's {@code faults}: {@code type}, optional {@code name}, {@code direction} and
 * {@code toxicity}, and the type's {@code attributes}, named as {@link Fault#attributes()} names them.
 */
final class FaultReader {
    static final List<String> TYPES = List.of("latency", "bandwidth", "slicer", "timeout", "reset_peer",
            "slow_close", "limit_data", "corrupt", "terminate", "max_lifetime", "connect_delay", "loss", "drop");

    private FaultReader() {
    }

    /** The fault, or null when it has problems (recorded). */
    static Fault read(Node node, String path, Problems problems) {
        ConfigObject fault = ConfigObject.of(node, path, problems);
        if (fault == null) {
            return null;
        }
        int before = problems.count();
        String type = fault.string("type", true, "expected one of " + String.join(", ", TYPES));
        if (type != null && !TYPES.contains(type)) {
            fault.problem("type", "\"" + type + "\" is not a fault type; expected one of " + String.join(", ", TYPES));
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
    private static Fault attributes(String type, ConfigObject a) {
        int before = a.problemCount();
        Fault fault;
        try {
            fault = make(type, a);
        } catch (IllegalArgumentException e) {   // values checked against each other by the fault's constructor
            a.problemHere(e.getMessage());
            return null;
        }
        return a.problemCount() > before ? null : fault;
    }

    private static Fault make(String type, ConfigObject a) {
        return switch (type) {
            case "latency" -> {
                Duration latency = a.duration("latency", true);
                Duration jitter = a.duration("jitter", false);
                yield latency == null ? null
                        : Fault.latency(latency).jitter(jitter == null ? Duration.ZERO : jitter);
            }
            case "bandwidth" -> bandwidth(a);
            case "slicer" -> {
                Long average = a.integer("average_size", true, 1, Slicer.MAX_SIZE);
                Long variation = a.integer("size_variation", false, 0, Slicer.MAX_SIZE);
                Duration delay = a.duration("delay", false);
                yield average == null ? null : Fault.slicer(average.intValue(),
                        variation == null ? 0 : variation.intValue(), delay == null ? Duration.ZERO : delay);
            }
            case "timeout" -> map(a.duration("timeout", true), Fault::timeout);
            case "reset_peer" -> map(a.duration("timeout", true), Fault::resetPeer);
            case "slow_close" -> map(a.duration("delay", true), Fault::slowClose);
            case "limit_data" -> map(a.integer("bytes", true, 0, Long.MAX_VALUE), Fault::limitData);
            case "corrupt" -> map(a.probability("probability", true), Fault::corrupt);
            case "terminate" -> map(a.probability("probability", true), Fault::terminate);
            case "max_lifetime" -> {
                Duration lifetime = a.duration("lifetime", true);
                Boolean reset = a.bool("reset");
                yield lifetime == null ? null
                        : Fault.maxLifetime(lifetime).reset(reset != null && reset);
            }
            case "connect_delay" -> map(a.duration("delay", true), Fault::connectDelay);
            case "loss" -> {
                Double probability = a.probability("probability", true);
                Duration retransmit = a.duration("retransmit_delay", false);
                yield probability == null ? null : retransmit == null ? Fault.loss(probability)
                        : Fault.loss(probability).retransmitDelay(retransmit);
            }
            case "drop" -> {
                Double probability = a.probability("probability", true);
                DropMode mode = dropMode(a);
                yield probability == null ? null
                        : Fault.drop(probability).mode(mode == null ? DropMode.CLOSE : mode);
            }
            default -> throw new IllegalStateException("unhandled fault type " + type);
        };
    }

    private static Fault bandwidth(ConfigObject a) {
        boolean hasRate = a.has("rate");
        boolean hasBytes = a.has("bytesPerSecond");
        if (hasRate && hasBytes) {
            a.problem("bytesPerSecond", "is given with rate too; give one of them");
            return null;
        }
        if (!hasRate && !hasBytes) {
            a.missing("rate", "give rate in KB/s (1 KB = 1000 bytes, as Toxiproxy) or bytesPerSecond");
            return null;
        }
        if (hasRate) {
            Long rate = a.integer("rate", true, 0, Bandwidth.MAX_BYTES_PER_SECOND / 1000);
            return rate == null ? null : Fault.bandwidth(rate * 1000);
        }
        Long bytes = a.integer("bytesPerSecond", true, 0, Bandwidth.MAX_BYTES_PER_SECOND);
        return bytes == null ? null : Fault.bandwidth(bytes);
    }

    private static DropMode dropMode(ConfigObject a) {
        String text = a.string("mode", false, "expected close, reset or hang");
        if (text == null) {
            return null;
        }
        for (DropMode mode : DropMode.values()) {
            if (mode.wireName().equals(text.toLowerCase(Locale.ROOT))) {
                return mode;
            }
        }
        a.problem("mode", "\"" + text + "\" is not a drop mode; expected close, reset or hang");
        return null;
    }

    private static <T> Fault map(T value, Function<T, Fault> factory) {
        return value == null ? null : factory.apply(value);
    }

    private static Node emptyObjectAt(ConfigObject fault) {
        return new MappingNode(Tag.MAP, true, new ArrayList<>(), FlowStyle.FLOW, fault.node().getStartMark(),
                fault.node().getEndMark());
    }
}
