package io.chaosproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.DuplicateException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A config file is held to the builder's uniqueness rules (route names, fixed ports, fault names), each clash
 * reported at its place in the file with the others, before any route is built.
 */
class ConfigDuplicatesTest {

    private static List<String> problems(String yaml) {
        return catchThrowableOfType(() -> ConfigLoader.load(yaml, ConfigFormat.YAML), ConfigException.class)
                .problems().stream().map(ConfigException.Problem::toString).toList();
    }

    @Test
    void aTakenRouteNamePortAndFaultNameAreEachReportedWhereTheyAre() {
        assertThat(problems("""
                routes:
                  - {name: db, localPort: 18300, upstream: "127.0.0.1:9"}
                  - {name: db, localPort: 18300, upstream: "127.0.0.1:9"}
                  - localPort: 0
                    upstream: 127.0.0.1:9
                    faults:
                      - {type: latency, name: slow, attributes: {latency: 1ms}}
                      - {type: timeout, name: slow, attributes: {timeout: 1s}}
                """)).containsExactly(
                "routes[1].name (line 3, column 12): \"db\" is used by routes[0] too; route names must be unique",
                "routes[1].localPort (line 3, column 27): 18300 is used by routes[0] too; give each route its own"
                        + " port (or 0 for an ephemeral one)",
                "routes[2].faults[1] (line 8, column 9): name \"slow\" is used by faults[0] too; give it another name");
    }

    @Test
    void aFaultClashingWithAShortcutNamesTheShortcut() {
        assertThat(problems("""
                routes:
                  - localPort: 0
                    upstream: 127.0.0.1:9
                    dropRate: 0.1
                    faults:
                      - {type: latency, attributes: {latency: 1ms}}
                      - {type: drop, attributes: {probability: 0.2}}
                      - {type: latency, attributes: {latency: 2ms}}
                """)).containsExactly(
                "routes[0].faults[1] (line 7, column 9): name \"drop_downstream\" is used by this route's dropRate"
                        + " or latencyMs too; give it another name",
                "routes[0].faults[2] (line 8, column 9): name \"latency_downstream\" is used by faults[0] too;"
                        + " give it another name");
    }

    @Test
    void aGivenNameClashesWithADefaultOneAsInTheBuilder() {
        String yaml = """
                routes:
                  - {name: route-1, localPort: 0, upstream: "127.0.0.1:9"}
                  - {localPort: 0, upstream: "127.0.0.1:9"}
                """;
        assertThat(problems(yaml)).containsExactly("routes[1].name (line 3, column 5): \"route-1\" is used by"
                + " routes[0] too; route names must be unique");
        DuplicateException fromBuilder = catchThrowableOfType(() -> ChaosProxy.builder()
                .route(0, "127.0.0.1:9").name("route-1").route(0, "127.0.0.1:9").start(), DuplicateException.class);
        assertThat(fromBuilder.value()).isEqualTo("route-1");
    }
}
