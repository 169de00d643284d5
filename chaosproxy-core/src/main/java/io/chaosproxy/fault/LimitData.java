package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.util.Map;
import java.util.Objects;

/**
 * Closes the connection once {@code bytes} bytes have passed in its direction: exactly that many arrive,
 * then a FIN.
 *
 * @param bytes 0 or more
 */
public record LimitData(long bytes, Envelope envelope) implements Fault {

    /** Checks the values. */
    public LimitData {
        Check.notNegative("limitData", bytes);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return "limit_data";
    }

    @Override
    public LimitData withEnvelope(Envelope envelope) {
        return new LimitData(bytes, envelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("bytes", bytes);
    }

    @Override
    public Stage newStage(StageContext context) {
        return new LimitDataStage(this, context);
    }
}
