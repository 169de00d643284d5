package io.chaosproxy.config;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.Scenario;
import io.chaosproxy.ScenarioRun;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A route's {@code schedule} in a config file: read into a scenario, played from the start. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScheduleConfigTest {

    @Test
    void aRoutesScheduleIsPlayedWhenTheProxyStarts() throws Exception {
        String yaml = """
                routes:
                  - name: db
                    localPort: 0
                    upstream: 127.0.0.1:9
                    schedule:
                      steps:
                        - { at: 0s, action: disable }
                        - { at: 2s, action: enable }
                        - { at: 2s, action: add, fault: { type: latency, attributes: { latency: 5ms } } }
                """;
        try (ChaosProxy proxy = ConfigLoader.load(yaml, ConfigFormat.YAML).start()) {
            Route db = proxy.route("db");
            ScenarioRun run = db.scenarioRuns().get(0);
            org.awaitility.Awaitility.await().until(() -> !db.isEnabled() || run.isDone());
            if (!run.isDone()) {   // 2 s of refusing: a loaded machine once took longer than 300 ms to get here
                assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), db.localPort()).close())
                        .isInstanceOf(ConnectException.class);
            }
            assertThat(run.await(ofSeconds(10))).isTrue();
            assertThat(run.steps()).extracting(ChaosEvent.ScenarioStepDone::scheduled)
                    .containsExactly(ofMillis(0), ofMillis(2000), ofMillis(2000));
            assertThat(db.isEnabled()).isTrue();
            assertThat(db.faults()).extracting(f -> f.name()).containsExactly("latency_downstream");
        }
    }

    @Test
    void theExampleScheduleReadsAsTwoScenariosForever() {
        ChaosProxy.Builder builder = ConfigLoader.load(Path.of("..", "examples", "configs", "valid", "schedule.yaml"),
                port -> 0);
        try (ChaosProxy proxy = builder.start()) {
            Scenario db = proxy.route("db").scenarioRuns().get(0).scenario();
            assertThat(db.times()).isEqualTo(Scenario.FOREVER);
            assertThat(db.length()).isEqualTo(ofSeconds(10));
            assertThat(db.steps()).extracting(Scenario.TimedStep::toString)
                    .containsExactly("+0ms add slow", "+2000ms remove slow", "+2000ms disable", "+5000ms enable");
            Scenario api = proxy.route("api").scenarioRuns().get(0).scenario();
            assertThat(api.flapping().meanUp()).isEqualTo(ofSeconds(30));
            assertThat(api.flapping().meanDown()).isEqualTo(ofSeconds(2));
            assertThat(proxy.scenarioRuns()).hasSize(2);
        }
    }

    @Test
    void aScheduleAloneReadsAsTheAdminApiGivesIt() {
        Scenario scenario = ConfigLoader.scenario("""
                {"repeat": 2, "length": "1s", "steps": [{"at": "0s", "action": "set_faults", "faults": []},
                 {"at": "500ms", "action": "close_connections"}]}""", ConfigFormat.JSON);
        assertThat(scenario.times()).isEqualTo(2);
        assertThat(scenario.steps()).extracting(Scenario.TimedStep::toString)
                .containsExactly("+0ms set_faults []", "+500ms close_connections");
        assertThatThrownBy(() -> ConfigLoader.scenario("{\"steps\": [], \"repeat\": \"always\"}", ConfigFormat.JSON))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("steps (line 1, column 11): the list is empty")
                .hasMessageContaining("repeat (line 1, column 25): \"always\" is not a whole number; expected how many"
                        + " times to play it (1 or more), or forever");
        assertThatThrownBy(() -> ConfigLoader.scenario("{\"at\": \"1s\"}", ConfigFormat.JSON))
                .hasMessageContaining("steps (line 1, column 1): is missing");
    }
}
