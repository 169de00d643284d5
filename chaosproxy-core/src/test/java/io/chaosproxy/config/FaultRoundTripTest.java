package io.chaosproxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import io.chaosproxy.spi.FaultTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every registered fault type can
 * be written as a config file describes it and read back equal: the file format is derived from the registry,
 * not written beside it.
 */
class FaultRoundTripTest {

    /**
     * A value for every attribute, none its default, each in range (later attributes smaller: slicer's variation;
     * latency's jitter 0, as its lognormal takes none).
     */
    static Map<String, Object> sampleValues(FaultType<?> type) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<? extends Attribute<?, ?>> attributes = type.attributes();
        for (int i = 0; i < attributes.size(); i++) {
            Attribute<?, ?> attribute = attributes.get(i);
            values.put(attribute.name(), switch (attribute.kind()) {
                case DURATION -> Duration.ofMillis(1234 + i);
                case INTEGER -> Math.min(attribute.max(),
                        Math.max(attribute.min(), attribute.toxiproxyFactor() * (2000L - 17 * i)));
                case PROBABILITY -> 0.25;
                case BOOLEAN -> attribute.defaultValue() == null || !(Boolean) attribute.defaultValue();
                case CHOICE -> attribute.choices().get(attribute.choices().size() - 1);
                case NUMBER -> attribute.min() + 0.5;
            });
        }
        if (type.name().equals("latency")) {
            values.put("jitter", Duration.ZERO);   // the last distribution, lognormal, is spread by sigma alone
        }
        return values;
    }

    static Fault sample(FaultType<?> type) {
        Fault fault = type.make(sampleValues(type)).named("rt-" + type.name()).toxicity(0.5);
        return type.actsOnConnection() ? fault : fault.direction(Direction.UPSTREAM);
    }

    /** The config text of a fault, each attribute in the file's own form: durations as text with a unit. */
    private static String yaml(Fault fault) {
        StringBuilder attributes = new StringBuilder();
        FaultTypes.of(fault).describe(fault).forEach((name, value) -> {
            String text = value instanceof Duration d ? "\"" + d.toNanos() + "ns\""
                    : value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
            attributes.append(attributes.length() == 0 ? "" : ", ").append(name).append(": ").append(text);
        });
        return "      - type: " + fault.type() + "\n"
                + "        name: " + fault.name() + "\n"
                + "        direction: " + fault.direction().wireName() + "\n"
                + "        toxicity: " + fault.toxicity() + "\n"
                + "        attributes: {" + attributes + "}\n";
    }

    @Test
    void everyRegisteredFaultRoundTripsThroughConfigText() {
        List<Fault> written = new ArrayList<>();
        StringBuilder text = new StringBuilder("routes:\n  - localPort: 0\n    upstream: 127.0.0.1:1\n    faults:\n");
        for (FaultType<?> type : FaultTypes.all()) {
            Fault fault = sample(type);
            written.add(fault);
            text.append(yaml(fault));
        }
        assertThat(written).extracting(Fault::type).contains("latency", "drop");
        try (ChaosProxy proxy = ConfigLoader.load(text.toString(), ConfigFormat.YAML).start()) {
            assertThat(proxy.routes().get(0).faults()).as(text.toString()).isEqualTo(written);
        }
    }

    @Test
    void theToxiproxyNameOfAnAttributeIsReadInToxiproxysUnit() throws Exception {
        String text = """
                routes:
                  - {localPort: 0, upstream: "127.0.0.1:1", faults: [{type: bandwidth, attributes: {rate: 64}}]}
                """;
        try (ChaosProxy proxy = ConfigLoader.load(text, ConfigFormat.YAML).start()) {
            assertThat(proxy.routes().get(0).faults()).containsExactly(Fault.bandwidth(64_000));
        }
    }
}
