package io.chaosproxy.fault;

import io.chaosproxy.Fault;
import io.chaosproxy.internal.Check;
import io.chaosproxy.internal.Stage;
import io.chaosproxy.internal.StageContext;
import java.util.Map;
import java.util.Objects;

/**
 * With {@code probability} per chunk, aborts the connection with an RST to both sides instead of passing
 * the chunk on.
 *
 * @param probability 0.0..1.0, per chunk
 */
public record Terminate(double probability, Envelope envelope) implements Fault {

    /** Checks the values. */
    public Terminate {
        Check.probability("terminate probability", probability);
        Objects.requireNonNull(envelope, "envelope");
    }

    @Override
    public String type() {
        return "terminate";
    }

    @Override
    public Terminate withEnvelope(Envelope envelope) {
        return new Terminate(probability, envelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of("probability", probability);
    }

    @Override
    public Stage newStage(StageContext context) {
        return new TerminateStage(this, context);
    }
}
