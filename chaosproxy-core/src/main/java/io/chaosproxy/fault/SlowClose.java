package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import java.time.Duration;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * Passes the end of the stream (the FIN) on only {@code delay} after it arrives; data before it is not
 * delayed.
 *
 * @param delay 0..{@link Fault#MAX_DURATION}
 */
public record SlowClose(Duration delay, Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<SlowClose> TYPE = FaultType.dataFault("slow_close", SlowClose.class, SlowCloseStage::new)
            .describedAs("Passes the end of the stream on only delay after it arrives")
            .attribute(Attribute.duration("delay", SlowClose::delay).describedAs("how long the FIN waits"))
            .make(v -> Fault.slowClose(v.duration("delay")))
            .build();

    /** Checks the values. */
    public SlowClose {
        Check.notNegative("slowClose delay", delay);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public SlowClose withEnvelope(Envelope envelope) {
        return new SlowClose(delay, envelope);
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
