package io.chaosproxy.attack12;

import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.fault.Envelope;
import io.chaosproxy.spi.FaultType;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import io.chaosproxy.spi.TypedFault;
import java.util.Map;
import java.util.function.Function;

/**
 * A fault of the test's own, through the public SPI only, as a user writes one: its stage is whatever
 * {@code stages} makes on each direction's context. A {@link TypedFault}, so it needs no registration.
 */
record Custom(Function<StageContext, Stage> stages, Envelope envelope) implements TypedFault {
    static final FaultType<Custom> TYPE = FaultType.dataFault("attack12_custom", Custom.class,
                    (Custom fault, StageContext context) -> fault.stages().apply(context))
            .make(values -> {
                throw new UnsupportedOperationException("made in code only");
            })
            .build();

    static Custom of(String name, Direction direction, Function<StageContext, Stage> stages) {
        return new Custom(stages, Envelope.DEFAULT.withName(name).withDirection(direction));
    }

    @Override
    public FaultType<?> faultType() {
        return TYPE;
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public Fault withEnvelope(Envelope newEnvelope) {
        return new Custom(stages, newEnvelope);
    }

    @Override
    public Map<String, Object> attributes() {
        return Map.of();
    }
}
