package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.util.Map;
import java.util.Objects;

/**
 * With {@code probability}, drops a new connection right after it is accepted, before the upstream is
 * contacted: closed, reset or left hanging ({@link DropMode}). Decided once per connection, whatever the
 * direction; added to a route at runtime it applies to new connections only.
 *
 * @param probability 0.0..1.0
 * @param mode        what a dropped connection sees; default {@link DropMode#CLOSE}
 */
public record Drop(double probability, DropMode mode, Envelope envelope) implements Fault {

    /** Checks the values. */
    public Drop {
        Check.probability("drop probability", probability);
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(envelope, "envelope");
    }

    /** A copy that drops connections this way. */
    public Drop mode(DropMode mode) {
        return new Drop(probability, mode, envelope);
    }

    @Override
    public String type() {
        return "drop";
    }

    @Override
    public Drop withEnvelope(Envelope envelope) {
        return new Drop(probability, mode, envelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("probability", probability, "mode", mode.wireName());
    }

    @Override
    public boolean perDirection() {
        return false;
    }

    @Override
    public Stage newStage(StageContext context) {
        return new DropStage(this, context);
    }
}
