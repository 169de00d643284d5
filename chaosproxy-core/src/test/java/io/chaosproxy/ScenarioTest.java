package io.chaosproxy;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofNanos;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scenario value, without sockets: its checks, its cycle length, the flapping's draws. */
class ScenarioTest {

    @Test
    void stepsAreSortedByOffsetKeepingTheOrderGivenAtTheSameOffset() {
        Scenario scenario = Scenario.builder()
                .at(ofSeconds(5), Step.enable())
                .at(Duration.ZERO, Step.add(Fault.latency(ofMillis(200))))
                .at(ofSeconds(2), Step.disable())
                .at(ofSeconds(2), Step.closeConnections())
                .build();
        assertThat(scenario.steps()).extracting(Scenario.TimedStep::toString)
                .containsExactly("+0ms add latency_downstream", "+2000ms disable", "+2000ms close_connections",
                        "+5000ms enable");
        assertThat(scenario.length()).isEqualTo(ofSeconds(5));
        assertThat(scenario.times()).isEqualTo(1);
    }

    @Test
    void badScenariosAreRefusedWithWhatToDo() {
        assertThatThrownBy(() -> Scenario.builder().build()).hasMessageContaining("no steps");
        assertThatThrownBy(() -> Scenario.builder().at(Duration.ZERO, Step.disable()).repeat(2).build())
                .hasMessageContaining("repeated with a length of 0ms");
        assertThatThrownBy(() -> Scenario.builder().at(ofSeconds(2), Step.disable()).length(ofSeconds(1)).build())
                .hasMessageContaining("length 1000ms is shorter than the last step's offset 2000ms");
        assertThatThrownBy(() -> Scenario.builder().repeat(0)).hasMessageContaining("repeatForever()");
        assertThatThrownBy(() -> Scenario.builder().at(ofMillis(-1), Step.disable()))
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> Scenario.builder().flapping(ofSeconds(1), ofSeconds(1))
                .at(Duration.ZERO, Step.disable()).build()).hasMessageContaining("flapping draws its own timing");
        assertThatThrownBy(() -> Scenario.builder().flapping(Duration.ZERO, ofSeconds(1)))
                .hasMessageContaining("meanUp");
    }

    @Test
    void aCycleOrAFlappingMeanUnderAMillisecondIsRefusedAsItWouldSpinTheScenarioThread() {
        assertThatThrownBy(() -> Scenario.builder().at(Duration.ZERO, Step.closeConnections()).length(ofNanos(1))
                .repeatForever().build())
                .hasMessage("scenario: repeated with a length of 1ns, under 1ms, would spin the scenario thread;"
                        + " give length(...) of 1ms or more");
        assertThatThrownBy(() -> Scenario.builder().flapping(ofNanos(1), ofSeconds(1)).repeatForever().build())
                .hasMessageContaining("flapping meanUp 1ns, under 1ms");
        assertThatThrownBy(() -> Scenario.builder().flapping(ofSeconds(1), ofMillis(0).plusNanos(999_999)).build())
                .hasMessageContaining("flapping meanDown 999999ns, under 1ms");
        assertThat(Scenario.builder().at(Duration.ZERO, Step.closeConnections()).length(ofMillis(1)).repeatForever()
                .build().length()).isEqualTo(ofMillis(1));
        assertThat(Scenario.builder().at(ofNanos(1), Step.closeConnections()).build().length())
                .isEqualTo(ofNanos(1));   // played once: any length
    }

    @Test
    void flappingDrawsExponentialUpAndDownTimesThatReplayFromTheSameSeed() {
        Scenario flapping = Scenario.builder().flapping(ofMillis(100), ofMillis(20)).repeatForever().build();
        SplittableRandom random = new SplittableRandom(42);
        double up = 0;
        double down = 0;
        int cycles = 20_000;
        for (int i = 0; i < cycles; i++) {
            List<Scenario.TimedStep> cycle = flapping.cycle(random);
            assertThat(cycle).extracting(t -> t.step().toString()).containsExactly("disable", "enable");
            up += cycle.get(0).at().toNanos();
            down += cycle.get(1).at().toNanos() - cycle.get(0).at().toNanos();
            assertThat(flapping.lengthOf(cycle)).isEqualTo(cycle.get(1).at());
        }
        assertThat(up / cycles / 1e6).isCloseTo(100, org.assertj.core.data.Offset.offset(3.0));
        assertThat(down / cycles / 1e6).isCloseTo(20, org.assertj.core.data.Offset.offset(0.6));
        assertThat(flapping.cycle(new SplittableRandom(7))).isEqualTo(flapping.cycle(new SplittableRandom(7)));
        assertThat(flapping.cycle(new SplittableRandom(7))).isNotEqualTo(flapping.cycle(new SplittableRandom(8)));
    }
}
