package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import java.time.Duration;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * Contacts the upstream only {@code delay} after the client connected: the delay before forwarding begins.
 * Once per connection, whatever the direction; added at runtime it applies to new connections only.
 *
 * @param delay 0..{@link Fault#MAX_DURATION}
 */
public record ConnectDelay(Duration delay, Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<ConnectDelay> TYPE = FaultType.connectionFault("connect_delay", ConnectDelay.class, ConnectDelayStage::new)
            .describedAs("Contacts the upstream only delay after the client connected")
            .attribute(Attribute.duration("delay", ConnectDelay::delay).describedAs("from accept to connect"))
            .make(v -> Fault.connectDelay(v.duration("delay")))
            .build();

    /** Checks the values. */
    public ConnectDelay {
        Check.notNegative("connectDelay", delay);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public ConnectDelay withEnvelope(Envelope envelope) {
        return new ConnectDelay(delay, envelope);
    }

    /** Toxiproxy's names and units, as the admin API shows them. */
    @Override
    public Map<String, Object> attributes() {
        return TYPE.toxiproxyAttributes(this);
    }

    @Override
    public String toString() {
        return FaultText.of(this);
    }
}
