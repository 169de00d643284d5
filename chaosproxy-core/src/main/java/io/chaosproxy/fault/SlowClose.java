package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Passes the end of the stream (the FIN) on only {@code delay} after it arrives; data before it is not
 * delayed.
 *
 * @param delay 0..{@link Fault#MAX_DURATION}
 */
public record SlowClose(Duration delay, Envelope envelope) implements Fault {

    /** Checks the values. */
    public SlowClose {
        Check.notNegative("slowClose delay", delay);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return "slow_close";
    }

    @Override
    public SlowClose withEnvelope(Envelope envelope) {
        return new SlowClose(delay, envelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("delay", delay.toMillis());
    }

    @Override
    public Stage newStage(StageContext context) {
        return new SlowCloseStage(this, context);
    }
}
