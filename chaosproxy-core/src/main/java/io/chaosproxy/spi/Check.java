package io.chaosproxy.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks for fault values, the built-in ones and your own, whose messages follow the project's form:
 * {@code <what>: <value> <problem>; <allowed>}. Throw {@link IllegalArgumentException}.
 */
public final class Check {
    private Check() {
    }

    /**
     * The longest duration any fault, jitter or proxy timeout may have: 1 day. Longer than any test or soak
     * run needs, and so far below {@code Long.MAX_VALUE} nanoseconds (292 years) that a deadline adding up a
     * few of them to the clock ({@code now + delay + jitter}) never wraps around.
     */
    public static final Duration MAX_DURATION = Duration.ofDays(1);

    /** A probability in 0.0..1.0 (NaN is not one). */
    public static double probability(String what, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(what + " " + value + " is outside 0.0..1.0");
        }
        return value;
    }

    /** A duration of zero or more, at most {@link #MAX_DURATION}. */
    public static Duration notNegative(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + " " + millis(value) + " is negative; use 0 or more");
        }
        atMostMaxDuration(what, value);
        return value;
    }

    /** A duration of more than zero, at most {@link #MAX_DURATION}. */
    public static Duration positive(String what, Duration value) {
        notNegative(what, value);
        if (value.isZero()) {
            throw new IllegalArgumentException(what + " " + millis(value) + " is not positive");
        }
        return value;
    }

    /** A duration at most {@link #MAX_DURATION}; {@code what} names it, or the sum it is. */
    public static Duration atMostMaxDuration(String what, Duration value) {
        if (value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(what + " " + millis(value) + " is too long; at most "
                    + MAX_DURATION.toMillis() + "ms (1 day)");
        }
        return value;
    }

    /** A count of zero or more. */
    public static long notNegative(String what, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " " + value + " is negative; use 0 or more");
        }
        return value;
    }

    /** A count of one or more. */
    public static long positive(String what, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(what + " " + value + " is not positive; use 1 or more");
        }
        return value;
    }

    /** A count of at most {@code max}; {@code unit} follows the numbers in the message ("bytes"). */
    public static long atMost(String what, long value, long max, String unit) {
        if (value > max) {
            throw new IllegalArgumentException(what + " " + value + " " + unit + " is too large; at most " + max
                    + " " + unit);
        }
        return value;
    }

    /** Whole milliseconds as such ({@code 250ms}); anything else, however long, as ISO-8601 ({@code PT0.0000001S}). */
    private static String millis(Duration value) {
        boolean wholeMillis = value.getNano() % 1_000_000 == 0;
        boolean fitsMillis = value.compareTo(Duration.ofMillis(Long.MIN_VALUE)) >= 0
                && value.compareTo(Duration.ofMillis(Long.MAX_VALUE)) <= 0;
        return wholeMillis && fitsMillis ? value.toMillis() + "ms" : value.toString();
    }
}
