package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A blackhole: data stops flowing in its direction (the proxy holds what arrives and stops reading, so the
 * sender's window fills as over a dead path); after {@code timeout} the connection is closed. With 0 it
 * stays stalled until the fault is removed, and then every held byte moves on, in order: nothing is lost.
 * (Toxiproxy drops the data instead.)
 *
 * @param timeout 0 (never close) up to {@link Fault#MAX_DURATION}
 */
public record Timeout(Duration timeout, Envelope envelope) implements Fault {

    /** Checks the values. */
    public Timeout {
        Check.notNegative("timeout", timeout);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return "timeout";
    }

    @Override
    public Timeout withEnvelope(Envelope envelope) {
        return new Timeout(timeout, envelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("timeout", timeout.toMillis());
    }

    @Override
    public Stage newStage(StageContext context) {
        return new TimeoutStage(this, context);
    }
}
