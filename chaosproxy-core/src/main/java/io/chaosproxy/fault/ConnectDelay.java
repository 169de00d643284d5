package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Contacts the upstream only {@code delay} after the client connected: the delay before forwarding begins.
 * Once per connection, whatever the direction; added at runtime it applies to new connections only.
 *
 * @param delay 0..{@link Fault#MAX_DURATION}
 */
public record ConnectDelay(Duration delay, Envelope envelope) implements Fault {

    /** Checks the values. */
    public ConnectDelay {
        Check.notNegative("connectDelay", delay);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return "connect_delay";
    }

    @Override
    public ConnectDelay withEnvelope(Envelope envelope) {
        return new ConnectDelay(delay, envelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("delay", delay.toMillis());
    }

    @Override
    public boolean perDirection() {
        return false;
    }

    @Override
    public Stage newStage(StageContext context) {
        return new ConnectDelayStage(this, context);
    }
}
