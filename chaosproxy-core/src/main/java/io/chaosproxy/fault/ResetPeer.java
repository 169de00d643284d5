package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Aborts the connection with an RST to both sides {@code timeout} after it starts (or after the fault is
 * added to it); data flows normally until then.
 *
 * @param timeout 0 (at once) up to {@link Fault#MAX_DURATION}
 */
public record ResetPeer(Duration timeout, Envelope envelope) implements Fault {

    /** Checks the values. */
    public ResetPeer {
        Check.notNegative("resetPeer timeout", timeout);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return "reset_peer";
    }

    @Override
    public ResetPeer withEnvelope(Envelope envelope) {
        return new ResetPeer(timeout, envelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("timeout", timeout.toMillis());
    }

    @Override
    public Stage newStage(StageContext context) {
        return new ResetPeerStage(this, context);
    }
}
