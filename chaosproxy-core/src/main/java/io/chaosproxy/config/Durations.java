package io.chaosproxy.config;

import io.chaosproxy.internal.Check;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as written in config files: a number and a unit, {@code "250ms"}, {@code "2s"}, {@code "1.5m"}. */
final class Durations {
    static final String EXPECTED = "expected a number and a unit, e.g. \"250ms\", \"2s\", \"1.5m\" (units ns, us, ms, s, m, h)";

    private static final Pattern FORM = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|h)");
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException with a message (without the field's name) saying what is wrong
     */
    static Duration parse(String text) {
        Matcher matcher = FORM.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration; " + EXPECTED);
        }
        BigDecimal amount = new BigDecimal(matcher.group(1));
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is negative; use 0 or more");
        }
        BigDecimal nanos = amount.multiply(BigDecimal.valueOf(NANOS_PER_UNIT.get(matcher.group(2))));
        if (nanos.compareTo(BigDecimal.valueOf(Check.MAX_DURATION.toNanos())) > 0) {
            throw new IllegalArgumentException("\"" + text + "\" is too long; at most 24h");
        }
        return Duration.ofNanos(nanos.longValue());
    }
}
