package io.chaosproxy.fault;

import io.chaosproxy.Direction;
import io.chaosproxy.spi.Check;
import java.util.Objects;

/**
 * What every fault carries besides its own attributes, as a Toxiproxy toxic does: a name, the direction it
 * applies to, and its toxicity, the probability that it applies to a given connection.
 *
 * @param name      the name given, or {@code null} for the default {@code <type>_<direction>}
 * @param direction which way it applies; default {@link Direction#DOWNSTREAM}
 * @param toxicity  0.0..1.0, decided once per connection from the proxy's seed; default 1.0
 */
public record Envelope(String name, Direction direction, double toxicity) {
    /** No name, downstream, toxicity 1.0: Toxiproxy's defaults. */
    public static final Envelope DEFAULT = new Envelope(null, Direction.DOWNSTREAM, 1.0);

    /** Checks the values. */
    public Envelope {
        Objects.requireNonNull(direction, "direction");
        Check.probability("toxicity", toxicity);
        if (name != null && name.isBlank()) {
            throw new IllegalArgumentException("name is blank; give a name or leave the default");
        }
    }

    /** A copy with another name. */
    public Envelope withName(String newName) {
        return new Envelope(Objects.requireNonNull(newName, "name"), direction, toxicity);
    }

    /** A copy with another direction. */
    public Envelope withDirection(Direction newDirection) {
        return new Envelope(name, newDirection, toxicity);
    }

    /** A copy with another toxicity. */
    public Envelope withToxicity(double newToxicity) {
        return new Envelope(name, direction, newToxicity);
    }

    /** {@code name=slow, direction=downstream, toxicity=1.0}; the name only when one was given. */
    @Override
    public String toString() {
        return (name == null ? "" : "name=" + name + ", ") + "direction=" + direction.wireName() + ", toxicity="
                + toxicity;
    }
}
