package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.util.Map;
import java.util.Objects;

/**
 * With {@code probability} per chunk, replaces one byte of it with a different, random one. The only fault
 * that changes bytes; each change is counted ({@code ProxyMetrics.bytesCorrupted}) and reported.
 *
 * @param probability 0.0..1.0, per chunk
 */
public record Corrupt(double probability, Envelope envelope) implements Fault {

    /** Checks the values. */
    public Corrupt {
        Check.probability("corrupt probability", probability);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return "corrupt";
    }

    @Override
    public Corrupt withEnvelope(Envelope envelope) {
        return new Corrupt(probability, envelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("probability", probability);
    }

    @Override
    public Stage newStage(StageContext context) {
        return new CorruptStage(this, context);
    }
}
