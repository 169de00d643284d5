package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.spi.Check;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * Closes the connection once {@code bytes} bytes have passed in its direction: exactly that many arrive,
 * then a FIN.
 *
 * @param bytes 0 or more
 */
public record LimitData(long bytes, Envelope envelope) implements Fault {

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<LimitData> TYPE = FaultType.dataFault("limit_data", LimitData.class, LimitDataStage::new)
            .describedAs("Closes the connection once so many bytes passed in its direction")
            .attribute(Attribute.integer("bytes", 0, Long.MAX_VALUE, LimitData::bytes).unit("bytes").describedAs("bytes let through"))
            .make(v -> Fault.limitData(v.integer("bytes")))
            .build();

    /** Checks the values. */
    public LimitData {
        Check.notNegative("limitData", bytes);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public LimitData withEnvelope(Envelope envelope) {
        return new LimitData(bytes, envelope);
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
