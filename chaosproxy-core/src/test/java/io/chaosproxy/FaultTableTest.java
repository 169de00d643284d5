package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.fault.BuiltInFaults;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's table of fault types and attributes is derived from the registry: this test writes it, and
 * fails (printing the table it expects) when the README's copy differs.
 */
class FaultTableTest {
    private static final String BEGIN = "<!-- fault types: generated from the registry by FaultTableTest -->";
    private static final String END = "<!-- end of fault types -->";

    static String table() {
        StringBuilder table = new StringBuilder("""
                | type | acts on | attributes in config files (default) | in the admin API (Toxiproxy's names, units) |
                |---|---|---|---|
                """);
        for (FaultType<?> type : new BuiltInFaults().faultTypes()) {
            List<String> ours = new ArrayList<>();
            List<String> theirs = new ArrayList<>();
            for (Attribute<?, ?> attribute : type.attributes()) {
                ours.add("`" + attribute.name() + "` " + kind(attribute)
                        + (attribute.required() ? "" : " (" + shown(attribute.defaultValue()) + ")"));
                theirs.add("`" + attribute.toxiproxyName() + "`" + (attribute.toxiproxyUnit().isEmpty()
                        || attribute.kind() == Attribute.Kind.PROBABILITY || attribute.kind() == Attribute.Kind.CHOICE
                        || attribute.kind() == Attribute.Kind.NUMBER
                        ? "" : " " + attribute.toxiproxyUnit()));
            }
            table.append("| `").append(type.name()).append("` | ")
                    .append(type.actsOnConnection() ? "connection" : "data").append(" | ")
                    .append(ours.isEmpty() ? "none" : String.join(", ", ours)).append(" | ")
                    .append(theirs.isEmpty() ? "none" : String.join(", ", theirs)).append(" |\n");
        }
        return table.toString();
    }

    private static String kind(Attribute<?, ?> attribute) {
        return switch (attribute.kind()) {
            case DURATION -> "duration";
            case INTEGER -> attribute.unit().isEmpty() ? "integer" : attribute.unit();
            case PROBABILITY -> "0.0..1.0";
            case BOOLEAN -> "true/false";
            case CHOICE -> String.join("/", attribute.choices());
            case NUMBER -> attribute.unit();
        };
    }

    private static String shown(Object value) {
        return value instanceof Duration d ? d.toMillis() + "ms" : String.valueOf(value);
    }

    @Test
    void theReadmeShowsTheRegisteredFaultTypes() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int begin = readme.indexOf(BEGIN);
        int end = readme.indexOf(END);
        assertThat(begin).as("README has the marker " + BEGIN).isNotNegative();
        assertThat(end).as("README has the marker " + END).isGreaterThan(begin);
        String inReadme = readme.substring(begin + BEGIN.length(), end).strip() + "\n";
        assertThat(inReadme).as("the README's fault table; paste this between the markers:%n%s", table())
                .isEqualTo(table());
    }
}
