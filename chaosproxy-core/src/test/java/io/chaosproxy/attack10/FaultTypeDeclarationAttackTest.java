package io.chaosproxy.attack10;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.Drop;
import io.chaosproxy.fault.Latency;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A fault type of a user's own, misdeclared: the registry should say so where it is declared (or made), not
 * hand a maker values it never allows, accept no value at all, or let one name mean two attributes.
 */
class FaultTypeDeclarationAttackTest {

    @Test
    void aChoiceDefaultNotAmongTheChoicesIsRefusedWhereItIsDeclared() {
        Attribute<Drop, String> mode = Attribute.choice("mode", List.of("close", "reset"), (Drop d) -> "close");
        assertThatThrownBy(() -> mode.defaultValue("bogus"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bogus");
    }

    @Test
    void aDefaultOutsideTheAttributesRangeIsRefusedWhereItIsDeclared() {
        assertThatThrownBy(() -> Attribute.integer("size", 1, 10, (Latency l) -> 1L).defaultValue(0L))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Attribute.duration("delay", Latency::delay).defaultValue(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Attribute.probability("p", (Drop d) -> 0.0).defaultValue(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void choicesNotInLowerCaseAreRefusedSinceNoValueCouldEverMatchThem() {
        // Values are read in any case and compared lower-cased: "CLOSE" could never be given, not even as "CLOSE".
        assertThatThrownBy(() -> Attribute.choice("mode", List.of("CLOSE", "reset"), (Drop d) -> "close"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CLOSE");
    }

    @Test
    void oneAttributesNameCannotBeAnothersToxiproxyName() {
        // In a config file "rate" would be both attributes (the first by Toxiproxy's name, the second by ours).
        FaultType.Builder<Latency> builder = FaultType.dataFault("attack10_clash", Latency.class, (f, c) -> null)
                .attribute(Attribute.integer("bytesPerSecond", 0, 1000, (Latency l) -> 0L).toxiproxy("rate", 1000));
        assertThatThrownBy(() -> builder.attribute(Attribute.integer("rate", 0, 1000, (Latency l) -> 0L)
                .toxiproxy("speed", 1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate");
        FaultType.Builder<Latency> other = FaultType.dataFault("attack10_clash2", Latency.class, (f, c) -> null)
                .attribute(Attribute.integer("rate", 0, 1000, (Latency l) -> 0L).toxiproxy("speed", 1));
        assertThatThrownBy(() -> other.attribute(Attribute.integer("bytesPerSecond", 0, 1000, (Latency l) -> 0L)
                .toxiproxy("rate", 1000))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate");
    }

    @Test
    void aMakerThatReturnsNullIsReportedNotPassedOnAsAFault() {
        // A config reader takes a null fault for "problems recorded" and would load the file without the fault.
        FaultType<Latency> type = FaultType.dataFault("attack10_null", Latency.class, (f, c) -> null)
                .attribute(Attribute.duration("latency", Latency::delay))
                .make(v -> null).build();
        assertThatThrownBy(() -> type.make(Map.of("latency", Duration.ofMillis(5))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("attack10_null");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static java.util.function.Function<FaultType.Values, Latency> aMakerOfDrops() {
        java.util.function.Function raw = v -> Fault.drop(0.5);   // erasure lets a Drop through, as a raw type would
        return raw;
    }

    @Test
    void aMakerThatReturnsAnotherClassIsReportedByTheTypesName() {
        FaultType<Latency> type = FaultType.dataFault("attack10_other", Latency.class, (f, c) -> null)
                .attribute(Attribute.duration("latency", Latency::delay))
                .make(aMakerOfDrops()).build();
        assertThatThrownBy(() -> type.make(Map.of("latency", Duration.ofMillis(5))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("attack10_other");
    }
}
