package io.chaosproxy;

import io.chaosproxy.spi.Check;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A timeline of {@link Step}s at offsets from its start, played on a route with {@link Route#play}. Immutable.
 *
 * <pre>{@code
 * Scenario flaky = Scenario.builder()
 *         .at(Duration.ZERO, Step.add(Fault.latency(Duration.ofMillis(200))))
 *         .at(Duration.ofSeconds(2), Step.disable())
 *         .at(Duration.ofSeconds(5), Step.enable())
 *         .at(Duration.ofSeconds(6), Step.remove("latency_downstream"))
 *         .length(Duration.ofSeconds(8))       // one cycle; the next starts 8 s after this one
 *         .repeat(3)
 *         .build();
 * }</pre>
 *
 * A flapping scenario draws its timing instead: up for an exponentially distributed time (mean {@code meanUp}),
 * then down for one of mean {@code meanDown}, each cycle afresh, from a generator split from the proxy's seed (by
 * route and by the number of the play on that route), so the same seed replays the same timeline.
 */
public final class Scenario {
    /** Repeats forever: see {@link Builder#repeatForever()}. */
    public static final long FOREVER = 0;
    /**
     * The shortest repeated cycle and the shortest mean of a flapping time: 1 ms. Shorter ones would have the
     * scenario thread do steps back to back (tens of thousands a second, a port rebound each), never on time.
     */
    public static final Duration MIN_PERIOD = Duration.ofMillis(1);

    private final List<TimedStep> steps;
    private final Duration length;
    private final long times;
    private final Flapping flapping;

    private Scenario(Builder builder) {
        this.steps = List.copyOf(builder.steps);
        this.times = builder.times;
        this.flapping = builder.flapping;
        this.length = builder.length != null ? builder.length
                : steps.isEmpty() ? Duration.ZERO : steps.get(steps.size() - 1).at();
    }

    /** Starts a scenario; add steps with {@link Builder#at}. */
    public static Builder builder() {
        return new Builder();
    }

    /** One step and its offset from the start of its cycle. */
    public record TimedStep(Duration at, Step step) {
        public TimedStep {
            Check.notNegative("scenario: step offset", at);
            Objects.requireNonNull(step, "step");
        }

        @Override
        public String toString() {
            return "+" + at.toMillis() + "ms " + step;
        }
    }

    /**
     * A flapping link: each cycle is up for a time of mean {@code meanUp}, then {@code down}, down for a time of mean
     * {@code meanDown}, then {@code up}; both times exponentially distributed.
     */
    public record Flapping(Duration meanUp, Duration meanDown, Step down, Step up) {
        public Flapping {
            Check.positive("scenario: flapping meanUp", meanUp);
            Check.positive("scenario: flapping meanDown", meanDown);
            Objects.requireNonNull(down, "down");
            Objects.requireNonNull(up, "up");
        }
    }

    /** The fixed steps of one cycle, by offset (steps at the same offset in the order given); empty when flapping. */
    public List<TimedStep> steps() {
        return steps;
    }

    /** The length of one cycle of fixed steps: the period of its repeats. Zero for a flapping scenario (drawn). */
    public Duration length() {
        return flapping != null ? Duration.ZERO : length;
    }

    /** How many cycles it plays: 1 unless repeated; {@link #FOREVER} (0) for ever. */
    public long times() {
        return times;
    }

    /** The flapping timing, or null for a scenario of fixed steps. */
    public Flapping flapping() {
        return flapping;
    }

    /** The steps of one cycle, drawing from {@code random} for a flapping one. */
    List<TimedStep> cycle(SplittableRandom random) {
        if (flapping == null) {
            return steps;
        }
        long up = exponentialNanos(random, flapping.meanUp());
        long down = exponentialNanos(random, flapping.meanDown());
        return List.of(new TimedStep(Duration.ofNanos(up), flapping.down()),
                new TimedStep(Duration.ofNanos(up + down), flapping.up()));
    }

    /** The length of the cycle {@code cycle} returned: its last step's offset when flapping. */
    Duration lengthOf(List<TimedStep> cycle) {
        return flapping != null ? cycle.get(cycle.size() - 1).at() : length;
    }

    /** An exponentially distributed time of that mean, at least a microsecond and at most half a day. */
    private static long exponentialNanos(SplittableRandom random, Duration mean) {
        double drawn = -Math.log(1.0 - random.nextDouble()) * mean.toNanos();
        return (long) Math.max(1_000, Math.min(drawn, Check.MAX_DURATION.toNanos() / 2.0));
    }

    @Override
    public String toString() {
        String body = flapping != null ? "flapping meanUp=" + flapping.meanUp().toMillis() + "ms meanDown="
                + flapping.meanDown().toMillis() + "ms " + flapping.down() + "/" + flapping.up()
                : steps + " length=" + length.toMillis() + "ms";
        return "Scenario{" + body + ", times=" + (times == FOREVER ? "forever" : times) + "}";
    }

    /** Collects the steps of a {@link Scenario}. Not thread-safe. */
    public static final class Builder {
        private final List<TimedStep> steps = new ArrayList<>();
        private Duration length;
        private long times = 1;
        private Flapping flapping;

        Builder() {
        }

        /** Does {@code step} at {@code offset} from the start of each cycle (0 to 1 day). */
        public Builder at(Duration offset, Step step) {
            steps.add(new TimedStep(offset, step));
            return this;
        }

        /**
         * The length of one cycle, the period of repeats; at least the last step's offset, which it is unless set.
         * Steps of the next cycle at offset 0 then run right after the last step of this one.
         */
        public Builder length(Duration length) {
            this.length = Check.notNegative("scenario: length", length);
            return this;
        }

        /** Plays the cycle {@code times} times in all (1 by default); see {@link #repeatForever()}. */
        public Builder repeat(long times) {
            if (times < 1) {
                throw new IllegalArgumentException("scenario: repeat " + times + " is less than 1; use"
                        + " repeatForever() for no end");
            }
            this.times = times;
            return this;
        }

        /** Plays the cycle until the run is cancelled, its route removed or the proxy closed. */
        public Builder repeatForever() {
            this.times = FOREVER;
            return this;
        }

        /** A flapping link: down ({@link Step#disable()}) and up ({@link Step#enable()}) at random times. */
        public Builder flapping(Duration meanUp, Duration meanDown) {
            return flapping(meanUp, meanDown, Step.disable(), Step.enable());
        }

        /** Flaps with other steps, e.g. {@code Step.add(Fault.timeout(ZERO))} and {@code Step.remove("timeout_downstream")}. */
        public Builder flapping(Duration meanUp, Duration meanDown, Step down, Step up) {
            this.flapping = new Flapping(meanUp, meanDown, down, up);
            return this;
        }

        /**
         * The scenario.
         *
         * @throws IllegalArgumentException when it has no step, mixes fixed steps and flapping, is shorter than its
         *                                  last step, repeats with a length under {@link #MIN_PERIOD}, or flaps
         *                                  with a mean under it
         */
        public Scenario build() {
            if (flapping != null) {
                if (!steps.isEmpty() || length != null) {
                    throw new IllegalArgumentException("scenario: flapping draws its own timing; give no steps or"
                            + " length with it");
                }
                atLeastMinPeriod("flapping meanUp", flapping.meanUp(), "a mean");
                atLeastMinPeriod("flapping meanDown", flapping.meanDown(), "a mean");
                return new Scenario(this);
            }
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("scenario: no steps; add one with at(offset, step)");
            }
            steps.sort(Comparator.comparing(TimedStep::at));   // stable: same offset, order given
            Duration last = steps.get(steps.size() - 1).at();
            if (length != null && length.compareTo(last) < 0) {
                throw new IllegalArgumentException("scenario: length " + length.toMillis() + "ms is shorter than"
                        + " the last step's offset " + last.toMillis() + "ms");
            }
            if (times != 1) {
                atLeastMinPeriod("repeated with a length of", length != null ? length : last, "length(...)");
            }
            return new Scenario(this);
        }

        private static void atLeastMinPeriod(String what, Duration value, String give) {
            if (value.compareTo(MIN_PERIOD) < 0) {
                String text = value.toNanos() % 1_000_000 == 0 ? value.toMillis() + "ms" : value.toNanos() + "ns";
                throw new IllegalArgumentException("scenario: " + what + " " + text + ", under 1ms, would spin the"
                        + " scenario thread; give " + give + " of 1ms or more");
            }
        }
    }
}
