package io.chaosproxy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SoakOptionsTest {

    @Test
    void defaultsToAMinuteOf64ConnectionsWithCuts() {
        assertThat(SoakOptions.parse()).isEqualTo(new SoakOptions(Duration.ofMinutes(1), 64, 4L << 20, 1, true,
                Duration.ofSeconds(30)));
    }

    @Test
    void takesMinutesOrSeconds() {
        assertThat(SoakOptions.parse("--minutes", "5").duration()).isEqualTo(Duration.ofMinutes(5));
        assertThat(SoakOptions.parse("--seconds", "3", "--no-cuts").duration()).isEqualTo(Duration.ofSeconds(3));
        assertThat(SoakOptions.parse("--no-cuts").cuts()).isFalse();
    }

    @Test
    void badValuesSayWhatIsWrong() {
        assertThatIllegalArgumentException().isThrownBy(() -> SoakOptions.parse("--minutes", "0"))
                .withMessage("--minutes: 0 is not positive; give a number above 0");
        assertThatIllegalArgumentException().isThrownBy(() -> SoakOptions.parse("--connections", "many"))
                .withMessage("--connections: \"many\" is not a number");
        assertThatIllegalArgumentException().isThrownBy(() -> SoakOptions.parse("--hours", "1"))
                .withMessage("--hours: unknown option; see usage");
        assertThatIllegalArgumentException().isThrownBy(() -> SoakOptions.parse("--seconds"))
                .withMessage("--seconds: missing value or unknown option; see usage");
    }
}
