package io.chaosproxy.fault;

import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import io.chaosproxy.internal.StageFactory;
import java.time.Duration;
import java.util.Objects;

/**
 * Holds every chunk of a stream for {@code delay} before passing it on; chunks keep their order, and the end
 * of the stream is delayed like the data before it.
 *
 * @param delay how long each chunk is held; zero or more
 */
public record Latency(Duration delay) implements StageFactory {

    /** Checks the delay. */
    public Latency {
        Objects.requireNonNull(delay, "latency");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency " + delay.toMillis() + "ms is negative; use 0 or more");
        }
    }

    /** Toxiproxy's name for this fault. */
    public String type() {
        return "latency";
    }

    @Override
    public Stage newStage(StageContext context) {
        return new LatencyStage(this, context);
    }
}
