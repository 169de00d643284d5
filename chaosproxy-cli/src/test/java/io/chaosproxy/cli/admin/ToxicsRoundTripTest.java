package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.Fault;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import io.chaosproxy.spi.FaultTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every registered fault type is a toxic type of the admin API, with the attributes its {@link FaultType}
 * declares: a toxic's JSON makes a fault whose JSON is the same, and the fault made again from that JSON is equal.
 */
class ToxicsRoundTripTest {

    /** A toxic of {@code type} with every attribute set (Toxiproxy's names and units), none to its default. */
    private static ObjectNode toxic(FaultType<?> type) {
        ObjectNode toxic = Json.objectNode();
        toxic.put("name", "rt-" + type.name()).put("type", type.name()).put("stream", "upstream").put("toxicity", 0.5);
        ObjectNode attributes = toxic.putObject("attributes");
        List<? extends Attribute<?, ?>> all = type.attributes();
        for (int i = 0; i < all.size(); i++) {
            Attribute<?, ?> attribute = all.get(i);
            switch (attribute.kind()) {
                case DURATION -> attributes.put(attribute.toxiproxyName(), 1234 + i);
                case INTEGER -> attributes.put(attribute.toxiproxyName(), 2000 - 17 * i);   // variation < average
                case PROBABILITY -> attributes.put(attribute.toxiproxyName(), 0.25);
                case BOOLEAN -> attributes.put(attribute.toxiproxyName(), true);
                case CHOICE -> attributes.put(attribute.toxiproxyName(),
                        attribute.choices().get(attribute.choices().size() - 1));
                case NUMBER -> attributes.put(attribute.toxiproxyName(), attribute.min() + 0.5);
            }
        }
        if (type.name().equals("latency")) {
            attributes.put("jitter", 0);   // the last distribution, lognormal, is spread by sigma alone
        }
        return toxic;
    }

    @Test
    void everyRegisteredFaultRoundTripsThroughTheAdminApi() throws Exception {
        assertThat(Toxics.types()).containsAll(FaultTypes.all().stream().map(FaultType::name).toList());
        for (FaultType<?> type : FaultTypes.all()) {
            ObjectNode given = toxic(type);
            Fault fault = Toxics.parse(given, "");
            JsonNode shown = Toxics.json(fault);
            // as text read back, so that 1234 as an int and as a long compare equal
            assertThat(Json.MAPPER.readTree(shown.toString())).as(type.name())
                    .isEqualTo(Json.MAPPER.readTree(given.toString()));
            assertThat(Toxics.parse(shown, "")).as(type.name()).isEqualTo(fault);
            assertThat(Toxics.update(fault, Json.objectNode())).as(type.name() + ", an empty update").isEqualTo(fault);
        }
    }

    @Test
    void anUpdateKeepsWhatItDoesNotMentionExactly() {
        Fault slow = Fault.bandwidth(500);   // 0.5 KB/s: shown as rate 0, kept as 500 bytes/s
        Fault updated = Toxics.update(slow, Json.objectNode().put("toxicity", 0.5));
        assertThat(updated).isEqualTo(slow.toxicity(0.5));
    }
}
