package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * Toxiproxy's {@code noop}: a fault that does nothing. It is listed with the others, and data passes it on the
 * fast path, as if it were not there.
 */
public record Noop(Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<Noop> TYPE = FaultType.dataFault("noop", Noop.class, NoopStage::new)
            .describedAs("Does nothing")
            .make(v -> Fault.noop())
            .build();

    /** Checks the values. */
    public Noop {
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Noop withEnvelope(Envelope envelope) {
        return new Noop(envelope);
    }

    /** None: the fault has no attributes. */
    @Override
    public Map<String, Object> attributes() {
        return TYPE.toxiproxyAttributes(this);
    }

    @Override
    public String toString() {
        return FaultText.of(this);
    }
}
