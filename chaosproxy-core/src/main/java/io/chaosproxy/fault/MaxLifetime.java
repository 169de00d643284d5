package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Closes the connection (or resets it) once it has lived {@code lifetime}, counted from accept. Once per
 * connection, whatever the direction.
 *
 * @param lifetime more than 0, at most {@link Fault#MAX_DURATION}
 * @param reset RST instead of FIN
 */
public record MaxLifetime(Duration lifetime, boolean reset, Envelope envelope) implements Fault {

    /** Checks the values. */
    public MaxLifetime {
        Check.positive("maxLifetime", lifetime);
        Objects.requireNonNull(envelope, "envelope");
    }

    /** A copy that ends the connection with an RST ({@code true}) or a FIN ({@code false}, the default). */
    public MaxLifetime reset(boolean reset) {
        return new MaxLifetime(lifetime, reset, envelope);
    }

    @Override
    public String type() {
        return "max_lifetime";
    }

    @Override
    public MaxLifetime withEnvelope(Envelope envelope) {
        return new MaxLifetime(lifetime, reset, envelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("lifetime", lifetime.toMillis(), "reset", reset);
    }

    @Override
    public boolean perDirection() {
        return false;
    }

    @Override
    public Stage newStage(StageContext context) {
        return new MaxLifetimeStage(this, context);
    }
}
