package io.chaosproxy.internal;

import java.time.Duration;
import java.util.Objects;

/** Argument checks whose messages follow the project's form: {@code <what>: <value> <problem>; <allowed>}. */
public final class Check {
    private Check() {
    }

    /** A probability in 0.0..1.0 (NaN is not one). */
    public static double probability(String what, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(what + " " + value + " is outside 0.0..1.0");
        }
        return value;
    }

    /** The longest duration the engine can time (about 292 years of nanoseconds). */
    public static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE);

    /** A duration of zero or more, short enough to be counted in nanoseconds. */
    public static Duration notNegative(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative()) {
            throw new IllegalArgumentException(what + " " + millis(value) + " is negative; use 0 or more");
        }
        if (value.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(what + " " + value + " is too long; at most " + MAX_DURATION);
        }
        return value;
    }

    /** A duration of more than zero, short enough to be counted in nanoseconds. */
    public static Duration positive(String what, Duration value) {
        notNegative(what, value);
        if (value.isZero()) {
            throw new IllegalArgumentException(what + " " + millis(value) + " is not positive");
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

    private static String millis(Duration value) {
        // Durations too long for toNanos() print as ISO-8601; the usual ones as milliseconds.
        if (value.abs().compareTo(MAX_DURATION) > 0 || value.toNanos() % 1_000_000 != 0) {
            return value.toString();
        }
        return value.toMillis() + "ms";
    }
}
