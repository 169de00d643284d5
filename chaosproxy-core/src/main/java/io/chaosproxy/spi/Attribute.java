package io.chaosproxy.spi;

import io.chaosproxy.Fault;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One attribute of a {@link FaultType}: its name, kind and unit, its default, how Toxiproxy's API names and
 * measures it, and how to read it off a fault value. Config files use {@link #name()} and the value's own unit
 * (durations as text, {@code "250ms"}); the admin API uses {@link #toxiproxyName()} and
 * {@link #toToxiproxy Toxiproxy's unit} (whole milliseconds, KB/s...). Immutable.
 *
 * @param <F> the fault value type
 * @param <T> the value's Java type: {@link Duration}, {@link Long}, {@link Double} (probabilities and
 *            numbers), {@link Boolean} or
 *            {@link String}
 */
public final class Attribute<F extends Fault, T> {

    /** The kinds of attribute values. */
    public enum Kind {
        /** A {@link Duration}; in config files a number and a unit ({@code "250ms"}). */
        DURATION,
        /** A whole number ({@link Long}) within {@link #min()}..{@link #max()}. */
        INTEGER,
        /** A probability ({@link Double}), 0.0..1.0. */
        PROBABILITY,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** One of {@link #choices()} ({@link String}, lower case). */
        CHOICE,
        /** A number ({@link Double}, fractions allowed) within {@link #min()}..{@link #max()}. */
        NUMBER
    }

    private final String name;
    private final Kind kind;
    private final Function<F, T> getter;
    private final T defaultValue;
    private final long min;
    private final long max;
    private final List<String> choices;
    private final String toxiproxyName;
    private final ChronoUnit toxiproxyTimeUnit;
    private final long toxiproxyFactor;
    private final String unit;
    private final String description;

    private Attribute(String name, Kind kind, Function<F, T> getter, T defaultValue, long min, long max,
            List<String> choices, String toxiproxyName, ChronoUnit toxiproxyTimeUnit, long toxiproxyFactor,
            String unit, String description) {
        this.name = Objects.requireNonNull(name, "name");
        this.kind = kind;
        this.getter = Objects.requireNonNull(getter, "getter");
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.choices = choices;
        this.toxiproxyName = toxiproxyName;
        this.toxiproxyTimeUnit = toxiproxyTimeUnit;
        this.toxiproxyFactor = toxiproxyFactor;
        this.unit = unit;
        this.description = description;
    }

    /** A duration, in whole milliseconds in Toxiproxy's API unless {@link #toxiproxy(String, ChronoUnit)} says otherwise. */
    public static <F extends Fault> Attribute<F, Duration> duration(String name, Function<F, Duration> getter) {
        return new Attribute<>(name, Kind.DURATION, getter, null, 0, Long.MAX_VALUE, List.of(), name,
                ChronoUnit.MILLIS, 1, "duration", "");
    }

    /** A whole number within {@code min..max}. */
    public static <F extends Fault> Attribute<F, Long> integer(String name, long min, long max, Function<F, Long> getter) {
        if (min > max) {
            throw new IllegalArgumentException(name + ": min " + min + " > max " + max);
        }
        return new Attribute<>(name, Kind.INTEGER, getter, null, min, max, List.of(), name, null, 1, "", "");
    }

    /** A probability, 0.0..1.0. */
    public static <F extends Fault> Attribute<F, Double> probability(String name, Function<F, Double> getter) {
        return new Attribute<>(name, Kind.PROBABILITY, getter, null, 0, 1, List.of(), name, null, 1, "0.0..1.0", "");
    }

    /** A number, fractions allowed, within the whole numbers {@code min..max}. */
    public static <F extends Fault> Attribute<F, Double> number(String name, long min, long max, Function<F, Double> getter) {
        if (min > max) {
            throw new IllegalArgumentException(name + ": min " + min + " > max " + max);
        }
        return new Attribute<>(name, Kind.NUMBER, getter, null, min, max, List.of(), name, null, 1,
                min + ".." + max, "");
    }

    /** {@code true} or {@code false}. */
    public static <F extends Fault> Attribute<F, Boolean> bool(String name, Function<F, Boolean> getter) {
        return new Attribute<>(name, Kind.BOOLEAN, getter, null, 0, 1, List.of(), name, null, 1, "", "");
    }

    /** One of {@code choices} (lower case; read in any case). */
    public static <F extends Fault> Attribute<F, String> choice(String name, List<String> choices, Function<F, String> getter) {
        if (choices.isEmpty()) {
            throw new IllegalArgumentException(name + ": no choices");
        }
        for (String choice : choices) {   // values are compared lower-cased: any other choice could never be given
            if (!choice.equals(choice.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(name + ": choice \"" + choice + "\" is not lower case");
            }
        }
        return new Attribute<>(name, Kind.CHOICE, getter, null, 0, 0, List.copyOf(choices), name, null, 1,
                String.join(" / ", choices), "");
    }

    /** A copy with a default, taken when the attribute is left out; without one a config file must give it. */
    public Attribute<F, T> defaultValue(T value) {
        try {
            check(value);   // a default is taken unchecked by FaultType.make: it must be a value the attribute allows
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " default: " + e.getMessage(), e);
        }
        return new Attribute<>(name, kind, getter, Objects.requireNonNull(value, "value"), min, max, choices,
                toxiproxyName, toxiproxyTimeUnit, toxiproxyFactor, unit, description);
    }

    /** A copy that Toxiproxy's API names {@code name} and measures in {@code unit} (durations only). */
    public Attribute<F, T> toxiproxy(String name, ChronoUnit unit) {
        if (kind != Kind.DURATION) {
            throw new IllegalStateException(this.name + " is not a duration");
        }
        return new Attribute<>(this.name, kind, getter, defaultValue, min, max, choices, name, unit, toxiproxyFactor,
                this.unit, description);
    }

    /** A copy that Toxiproxy's API names {@code name} and measures in units of {@code factor} of ours (integers). */
    public Attribute<F, T> toxiproxy(String name, long factor) {
        if (kind != Kind.INTEGER || factor < 1) {
            throw new IllegalStateException(this.name + " is not an integer, or factor " + factor + " < 1");
        }
        return new Attribute<>(this.name, kind, getter, defaultValue, min, max, choices, name, toxiproxyTimeUnit,
                factor, unit, description);
    }

    /** A copy with the unit shown in documentation ({@code "bytes"}, {@code "bytes/s"}). */
    public Attribute<F, T> unit(String unit) {
        return new Attribute<>(name, kind, getter, defaultValue, min, max, choices, toxiproxyName, toxiproxyTimeUnit,
                toxiproxyFactor, unit, description);
    }

    /** A copy with a one-line description for documentation. */
    public Attribute<F, T> describedAs(String description) {
        return new Attribute<>(name, kind, getter, defaultValue, min, max, choices, toxiproxyName, toxiproxyTimeUnit,
                toxiproxyFactor, unit, description);
    }

    /** The name in config files and {@link FaultType#describe}. */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** The default, or {@code null} when config files must give the attribute. */
    public T defaultValue() {
        return defaultValue;
    }

    /** Whether config files must give the attribute (it has no default). */
    public boolean required() {
        return defaultValue == null;
    }

    /** The smallest whole number allowed (integers, numbers). */
    public long min() {
        return min;
    }

    /** The largest whole number allowed (integers, numbers). */
    public long max() {
        return max;
    }

    /** The values allowed (choices). */
    public List<String> choices() {
        return choices;
    }

    /** The name in Toxiproxy's API. */
    public String toxiproxyName() {
        return toxiproxyName;
    }

    /** How many of our units one of Toxiproxy's is, for an integer (bandwidth's KB/s: 1000 bytes/s); else 1. */
    public long toxiproxyFactor() {
        return toxiproxyFactor;
    }

    /** The unit shown in documentation. */
    public String unit() {
        return unit;
    }

    /** The unit in Toxiproxy's API, for documentation: {@code ms}, {@code us}, {@code KB/s}... */
    public String toxiproxyUnit() {
        return switch (kind) {
            case DURATION -> toxiproxyTimeUnit == ChronoUnit.MICROS ? "us" : toxiproxyTimeUnit == ChronoUnit.MILLIS
                    ? "ms" : toxiproxyTimeUnit.name().toLowerCase(Locale.ROOT);
            case INTEGER -> toxiproxyFactor == 1000 && unit.equals("bytes/s") ? "KB/s"
                    : toxiproxyFactor == 1 ? unit : "x" + toxiproxyFactor + " " + unit;
            default -> unit;
        };
    }

    public String description() {
        return description;
    }

    /** The attribute's value in {@code fault}. */
    public T valueOf(F fault) {
        return getter.apply(fault);
    }

    /** The value used when the attribute is not given: its default, else the kind's zero (as Toxiproxy does). */
    @SuppressWarnings("unchecked")
    public T defaultOrZero() {
        if (defaultValue != null) {
            return defaultValue;
        }
        return (T) switch (kind) {
            case DURATION -> Duration.ZERO;
            case INTEGER -> Long.valueOf(Math.max(0, min));
            case PROBABILITY -> Double.valueOf(0.0);
            case BOOLEAN -> Boolean.FALSE;
            case CHOICE -> choices.get(0);
            case NUMBER -> Double.valueOf(Math.max(0, min));
        };
    }

    /**
     * Checks a value of this attribute (its type, range or choice) and returns it normalized.
     *
     * @throws IllegalArgumentException saying what is wrong, without the attribute's name
     */
    @SuppressWarnings("unchecked")
    public T check(Object value) {
        Objects.requireNonNull(value, name);
        switch (kind) {
            case DURATION -> {
                if (!(value instanceof Duration d) || d.isNegative()) {
                    throw new IllegalArgumentException(value + " is not a duration of 0 or more");
                }
            }
            case INTEGER -> {
                if (!(value instanceof Long n) || n < min || n > max) {
                    throw new IllegalArgumentException(value + (unit.isEmpty() ? "" : " " + unit) + " is outside "
                            + min + ".." + max);
                }
            }
            case PROBABILITY -> {
                if (!(value instanceof Double p) || !(p >= 0.0 && p <= 1.0)) {
                    throw new IllegalArgumentException(value + " is outside 0.0..1.0");
                }
            }
            case NUMBER -> {
                if (!(value instanceof Double n) || !(n >= min && n <= max)) {
                    throw new IllegalArgumentException(value + " is outside " + min + ".." + max);
                }
            }
            case BOOLEAN -> {
                if (!(value instanceof Boolean)) {
                    throw new IllegalArgumentException(value + " is not true or false");
                }
            }
            case CHOICE -> {
                String text = value instanceof String s ? s.toLowerCase(Locale.ROOT) : null;
                if (text == null || !choices.contains(text)) {
                    throw new IllegalArgumentException("\"" + value + "\" is not one of " + choices);
                }
                return (T) text;
            }
        }
        return (T) value;
    }

    /** The value as Toxiproxy's API shows it: durations and scaled integers as whole numbers in its unit. */
    public Object toToxiproxy(T value) {
        return switch (kind) {
            case DURATION -> ((Duration) value).dividedBy(toxiproxyTimeUnit.getDuration());   // never overflows
            case INTEGER -> (Long) value / toxiproxyFactor;
            default -> value;
        };
    }

    /**
     * A value given in Toxiproxy's unit ({@link Long} for durations and integers), as ours; checked.
     *
     * @throws IllegalArgumentException when it is out of range (before it could overflow)
     */
    public T fromToxiproxy(Object value) {
        return switch (kind) {
            case DURATION -> {
                long given = (Long) value;
                if (given < 0) {
                    throw new IllegalArgumentException(given + toxiproxyUnit() + " is negative; use 0 or more");
                }
                try {
                    yield check(Duration.of(given, toxiproxyTimeUnit));
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException(given + toxiproxyUnit() + " is too long");
                }
            }
            case INTEGER -> {
                long given = (Long) value;
                if (given < -Math.floorDiv(-min, toxiproxyFactor) || given > max / toxiproxyFactor) {
                    throw new IllegalArgumentException(given + (toxiproxyUnit().isEmpty() ? "" : " " + toxiproxyUnit())
                            + " is outside " + -Math.floorDiv(-min, toxiproxyFactor) + ".." + max / toxiproxyFactor);
                }
                yield check(given * toxiproxyFactor);
            }
            default -> check(value);
        };
    }

    @Override
    public String toString() {
        return name + ":" + kind.name().toLowerCase(Locale.ROOT);
    }
}
