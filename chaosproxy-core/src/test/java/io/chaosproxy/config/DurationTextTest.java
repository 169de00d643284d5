package io.chaosproxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one duration grammar: config files, {@code @ChaosRoute(latency = ...)} and the CLI read it. */
class DurationTextTest {

    @ParameterizedTest
    @CsvSource({
        "250ms, PT0.25S",
        "2s, PT2S",
        "1.5m, PT1M30S",
        "1h, PT1H",
        "500us, PT0.0005S",
        "500µs, PT0.0005S",
        "7ns, PT0.000000007S",
        "0s, PT0S",
        "'  2 s ', PT2S",
        "24h, PT24H",
        "1440m, PT24H",
    })
    void readsANumberAndAUnit(String text, Duration expected) {
        assertThat(DurationText.parse(text)).isEqualTo(expected);
        assertThat(DurationText.parse(text, ChronoUnit.MILLIS)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "", "100", "1.5", "ms", "2 seconds", "1e3ms", "PT2S", "2S", "1,5s"})
    void rejectsWhatIsNoDurationSayingWhatIsExpected(String text) {
        assertThatThrownBy(() -> DurationText.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("\"" + text + "\" is not a duration; expected a number and a unit, e.g. \"250ms\","
                        + " \"2s\", \"1.5m\" (units ns, us, ms, s, m, h)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1s", "-0.5ms", "-3"})
    void rejectsNegativeDurations(String text) {
        assertThatThrownBy(() -> DurationText.parse(text, ChronoUnit.MILLIS))
                .hasMessage("\"" + text + "\" is negative; use 0 or more");
    }

    @ParameterizedTest
    @ValueSource(strings = {"24.001h", "1441m", "86400001ms", "99999999999999999999999h"})
    void rejectsMoreThanADay(String text) {
        assertThatThrownBy(() -> DurationText.parse(text)).hasMessage("\"" + text + "\" is too long; at most 24h");
    }

    @ParameterizedTest
    @CsvSource({"500, MILLIS, PT0.5S", "0, MILLIS, PT0S", "3, SECONDS, PT3S", "86400000, MILLIS, PT24H"})
    void readsABareWholeNumberInTheUnitTheCallerNames(String text, ChronoUnit unit, Duration expected) {
        assertThat(DurationText.parse(text, unit)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"86400001", "100000000000000000000000"})
    void aBareNumberKeepsTheBounds(String text) {
        assertThatThrownBy(() -> DurationText.parse(text, ChronoUnit.MILLIS))
                .hasMessage("\"" + text + "\" is too long; at most 24h");
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "1.5", "ms"})
    void withABareUnitTheMessageSaysSo(String text) {
        assertThatThrownBy(() -> DurationText.parse(text, ChronoUnit.MILLIS))
                .hasMessage("\"" + text + "\" is not a duration; expected a number and a unit, e.g. \"250ms\","
                        + " \"2s\", \"1.5m\" (units ns, us, ms, s, m, h), or a whole number of milliseconds");
    }
}
