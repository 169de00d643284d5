package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import java.util.Map;
import java.util.StringJoiner;

/**
 * How every fault reads in a log line or a failed assertion: {@code latency_downstream{latency=100, ...}}. A fault
 * of your own reads the same with {@code public String toString() { return FaultText.of(this); }}.
 */
public final class FaultText {
    private FaultText() {
    }

    /** The fault's name, its type when the name does not say it, its attributes, direction and toxicity. */
    public static String of(Fault fault) {
        StringJoiner text = new StringJoiner(", ", fault.name() + "{", "}");
        if (!fault.name().startsWith(fault.type() + "_")) {
            text.add("type=" + fault.type());
        }
        for (Map.Entry<String, Object> attribute : fault.attributes().entrySet()) {
            text.add(attribute.getKey() + "=" + attribute.getValue());
        }
        text.add("direction=" + fault.direction().wireName());
        text.add("toxicity=" + fault.toxicity());
        return text.toString();
    }
}
