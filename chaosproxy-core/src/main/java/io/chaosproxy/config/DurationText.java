package io.chaosproxy.config;

import io.chaosproxy.spi.Check;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people write them, the one grammar of chaos-proxy: config files, {@code @ChaosRoute}'s
 * {@code latency} and the command line's options all read them here.
 *
 * <p>A duration is a number, whole or with a fraction, and a unit: {@code "250ms"}, {@code "2s"},
 * {@code "1.5m"}, {@code "500us"}; units {@code ns}, {@code us} (or {@code µs}), {@code ms}, {@code s},
 * {@code m}, {@code h}; spaces around the text and between number and unit are allowed. It is 0 or more and at
 * most 24h, the longest any fault or timeout may be. A bare number is no duration, as its unit would be a guess
 * (Toxiproxy counts milliseconds in most places and microseconds in its slicer), unless the caller names the
 * unit it means with {@link #parse(String, ChronoUnit)}.
 */
public final class DurationText {
    /** What a duration looks like, for messages: {@code expected a number and a unit, e.g. ...}. */
    public static final String EXPECTED =
            "expected a number and a unit, e.g. \"250ms\", \"2s\", \"1.5m\" (units ns, us, ms, s, m, h)";

    private static final Pattern FORM = Pattern.compile("(-?\\d+(?:\\.\\d+)?)\\s*(ns|us|µs|ms|s|m|h)");
    private static final Pattern BARE = Pattern.compile("-?\\d+");
    private static final Map<String, Long> NANOS_PER_UNIT = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    private DurationText() {
    }

    /**
     * Reads a duration with its unit: {@code "250ms"}, {@code "2s"}, {@code "1.5m"}.
     *
     * @throws IllegalArgumentException with a message, without the field's name, that quotes the text and says
     *                                  what is wrong: not a duration (and what is expected), negative, or too long
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        Matcher matcher = FORM.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration; " + EXPECTED);
        }
        BigDecimal nanosPerUnit = BigDecimal.valueOf(NANOS_PER_UNIT.get(matcher.group(2)));
        return checked(text, new BigDecimal(matcher.group(1)), nanosPerUnit);
    }

    /**
     * As {@link #parse(String)}, and also reads a bare whole number as a count of {@code bareUnit}: for a
     * command-line option whose help names the unit ({@code --shutdown-timeout 500} is 500 ms). Within the
     * same bounds.
     *
     * @throws IllegalArgumentException as {@link #parse(String)} does; "not a duration" says that a bare number
     *                                  is read in {@code bareUnit} too
     */
    public static Duration parse(String text, ChronoUnit bareUnit) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(bareUnit, "bareUnit");
        if (BARE.matcher(text.strip()).matches()) {
            Duration unit = bareUnit.getDuration();
            BigDecimal nanosPerUnit = BigDecimal.valueOf(unit.getSeconds()).movePointRight(9)
                    .add(BigDecimal.valueOf(unit.getNano()));
            return checked(text, new BigDecimal(text.strip()), nanosPerUnit);
        }
        if (!FORM.matcher(text.strip()).matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration; " + EXPECTED
                    + ", or a whole number of " + name(bareUnit));
        }
        return parse(text);
    }

    private static String name(ChronoUnit unit) {
        return switch (unit) {
            case NANOS -> "nanoseconds";
            case MICROS -> "microseconds";
            case MILLIS -> "milliseconds";
            default -> unit.toString().toLowerCase(Locale.ROOT);
        };
    }

    private static Duration checked(String text, BigDecimal amount, BigDecimal nanosPerUnit) {
        if (amount.signum() < 0) {
            throw new IllegalArgumentException("\"" + text + "\" is negative; use 0 or more");
        }
        BigDecimal nanos = amount.multiply(nanosPerUnit);
        if (nanos.compareTo(BigDecimal.valueOf(Check.MAX_DURATION.toNanos())) > 0) {
            throw new IllegalArgumentException("\"" + text + "\" is too long; at most 24h");
        }
        return Duration.ofNanos(nanos.longValue());
    }
}
