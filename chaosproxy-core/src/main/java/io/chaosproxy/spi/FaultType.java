package io.chaosproxy.spi;

import io.chaosproxy.Fault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Everything the proxy knows of one kind of fault, declared once beside its value: its type name (Toxiproxy's
 * where Toxiproxy has the fault), its {@link Attribute attributes}, how to make a value from them, and the stage
 * that applies it. Config files, the admin API and the README's fault table are derived from it. Register it
 * through a {@link FaultTypeProvider}. Immutable.
 *
 * <pre>{@code
 * static final FaultType<Latency> TYPE = FaultType.dataFault("latency", Latency.class, LatencyStage::new)
 *         .attribute(Attribute.duration("latency", Latency::delay))
 *         .attribute(Attribute.duration("jitter", Latency::jitter).defaultValue(Duration.ZERO))
 *         .make(v -> Fault.latency(v.duration("latency")).jitter(v.duration("jitter")))
 *         .build();
 * }</pre>
 *
 * @param <F> the fault value type
 */
public final class FaultType<F extends Fault> {
    private final String name;
    private final Class<F> valueType;
    private final String description;
    private final List<Attribute<F, ?>> attributes;
    private final Function<Values, F> maker;
    private final BiFunction<F, StageContext, Stage> dataStages;
    private final BiFunction<F, ConnectionContext, ConnectionStage> connectionStages;

    private FaultType(Builder<F> builder) {
        this.name = builder.name;
        this.valueType = builder.valueType;
        this.description = builder.description;
        this.attributes = List.copyOf(builder.attributes);
        this.maker = Objects.requireNonNull(builder.maker, () -> name + ": make(...) is missing");
        this.dataStages = builder.dataStages;
        this.connectionStages = builder.connectionStages;
    }

    /** A fault that acts on the bytes of each direction it applies to, through a {@link Stage} per direction. */
    public static <F extends Fault> Builder<F> dataFault(String name, Class<F> valueType,
            BiFunction<F, StageContext, Stage> stages) {
        return new Builder<>(name, valueType, Objects.requireNonNull(stages, "stages"), null);
    }

    /**
     * A fault that acts on a connection as a whole, once per connection whatever its direction, through a
     * {@link ConnectionStage}.
     */
    public static <F extends Fault> Builder<F> connectionFault(String name, Class<F> valueType,
            BiFunction<F, ConnectionContext, ConnectionStage> stages) {
        return new Builder<>(name, valueType, null, Objects.requireNonNull(stages, "stages"));
    }

    /** The type name, as in config files and the admin API: {@code latency}, {@code reset_peer}... */
    public String name() {
        return name;
    }

    /** The class of the fault values. */
    public Class<F> valueType() {
        return valueType;
    }

    /** A one-line description, for documentation. */
    public String description() {
        return description;
    }

    /** The attributes, in the order documentation and JSON show them. */
    public List<Attribute<F, ?>> attributes() {
        return attributes;
    }

    /** The attribute of that name. */
    public Optional<Attribute<F, ?>> attribute(String attributeName) {
        return attributes.stream().filter(a -> a.name().equals(attributeName)).findFirst();
    }

    /** Whether the fault acts on connections as a whole ({@link ConnectionStage}) rather than on data. */
    public boolean actsOnConnection() {
        return connectionStages != null;
    }

    /**
     * A fault value from attribute values in our units ({@link Attribute#name()} to {@link Duration},
     * {@link Long}, {@link Double}, {@link Boolean} or {@link String}); an attribute left out takes its default,
     * else its kind's zero. The value has the default envelope.
     *
     * @throws IllegalArgumentException for an unknown attribute, a value of the wrong kind, or values the fault
     *         refuses
     */
    public F make(Map<String, ?> values) {
        Map<String, Object> checked = new LinkedHashMap<>();
        for (Map.Entry<String, ?> given : values.entrySet()) {
            Attribute<F, ?> attribute = attribute(given.getKey()).orElseThrow(() -> new IllegalArgumentException(
                    given.getKey() + " is not an attribute of " + name + "; known: " + attributeNames()));
            try {
                checked.put(attribute.name(), attribute.check(given.getValue()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " " + attribute.name() + ": " + e.getMessage(), e);
            }
        }
        for (Attribute<F, ?> attribute : attributes) {
            checked.putIfAbsent(attribute.name(), attribute.defaultOrZero());
        }
        Object made = maker.apply(new Values(checked));
        if (!valueType.isInstance(made)) {   // a misdeclared type: null would read as "a problem, recorded"
            throw new IllegalStateException(name + ": make(...) returned "
                    + (made == null ? "null" : made.getClass().getName()) + ", not a " + valueType.getName());
        }
        return valueType.cast(made);
    }

    /** The fault's attributes in our units, in declaration order: {@link #make} gives an equal fault back. */
    public Map<String, Object> describe(Fault fault) {
        F value = valueType.cast(fault);
        Map<String, Object> described = new LinkedHashMap<>();
        for (Attribute<F, ?> attribute : attributes) {
            described.put(attribute.name(), attribute.valueOf(value));
        }
        return Collections.unmodifiableMap(described);
    }

    /** The fault's attributes as Toxiproxy's API shows them: its names, its units. */
    public Map<String, Object> toxiproxyAttributes(Fault fault) {
        F value = valueType.cast(fault);
        Map<String, Object> shown = new LinkedHashMap<>();
        for (Attribute<F, ?> attribute : attributes) {
            shown.put(attribute.toxiproxyName(), toToxiproxy(attribute, value));
        }
        return Collections.unmodifiableMap(shown);
    }

    private static <F extends Fault, T> Object toToxiproxy(Attribute<F, T> attribute, F value) {
        return attribute.toToxiproxy(attribute.valueOf(value));
    }

    /** The stage that applies a data fault to one direction of one connection. */
    public Stage newStage(Fault fault, StageContext context) {
        if (dataStages == null) {
            throw new IllegalStateException(name + " acts on connections, not on data");
        }
        return dataStages.apply(valueType.cast(fault), context);
    }

    /** The stage that applies a connection fault to one connection. */
    public ConnectionStage newConnectionStage(Fault fault, ConnectionContext context) {
        if (connectionStages == null) {
            throw new IllegalStateException(name + " acts on data, not on connections");
        }
        return connectionStages.apply(valueType.cast(fault), context);
    }

    private List<String> attributeNames() {
        return attributes.stream().map(Attribute::name).toList();
    }

    @Override
    public String toString() {
        return "FaultType{" + name + ", " + attributes + "}";
    }

    /** Attribute values handed to a type's maker: checked, in our units, every attribute present. */
    public static final class Values {
        private final Map<String, Object> values;

        private Values(Map<String, Object> values) {
            this.values = values;
        }

        public Duration duration(String attribute) {
            return (Duration) get(attribute);
        }

        public long integer(String attribute) {
            return (Long) get(attribute);
        }

        public double probability(String attribute) {
            return (Double) get(attribute);
        }

        public double number(String attribute) {
            return (Double) get(attribute);
        }

        public boolean bool(String attribute) {
            return (Boolean) get(attribute);
        }

        public String choice(String attribute) {
            return (String) get(attribute);
        }

        private Object get(String attribute) {
            Object value = values.get(attribute);
            if (value == null) {
                throw new IllegalArgumentException("no attribute " + attribute);
            }
            return value;
        }
    }

    /** Declares a fault type. */
    public static final class Builder<F extends Fault> {
        private final String name;
        private final Class<F> valueType;
        private final BiFunction<F, StageContext, Stage> dataStages;
        private final BiFunction<F, ConnectionContext, ConnectionStage> connectionStages;
        private final List<Attribute<F, ?>> attributes = new ArrayList<>();
        private Function<Values, F> maker;
        private String description = "";

        private Builder(String name, Class<F> valueType, BiFunction<F, StageContext, Stage> dataStages,
                BiFunction<F, ConnectionContext, ConnectionStage> connectionStages) {
            if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException("fault type name \"" + name + "\": lower case, digits and _ only");
            }
            this.name = name;
            this.valueType = Objects.requireNonNull(valueType, "valueType");
            this.dataStages = dataStages;
            this.connectionStages = connectionStages;
        }

        /** A one-line description, for documentation. */
        public Builder<F> describedAs(String text) {
            this.description = Objects.requireNonNull(text, "text");
            return this;
        }

        /** Adds an attribute; names are unique within the type. */
        public Builder<F> attribute(Attribute<F, ?> attribute) {
            for (Attribute<F, ?> other : attributes) {
                // One name, ours or Toxiproxy's, means one attribute: a config file reads either name.
                if (other.name().equals(attribute.name()) || other.toxiproxyName().equals(attribute.toxiproxyName())
                        || other.name().equals(attribute.toxiproxyName())
                        || other.toxiproxyName().equals(attribute.name())) {
                    throw new IllegalArgumentException(name + ": attribute " + attribute.name() + " (Toxiproxy's "
                            + attribute.toxiproxyName() + ") is declared twice: a name of it is one of "
                            + other.name() + " (Toxiproxy's " + other.toxiproxyName() + ")");
                }
            }
            attributes.add(attribute);
            return this;
        }

        /** How to make a value from checked attribute values; the value's constructor checks them together. */
        public Builder<F> make(Function<Values, F> maker) {
            this.maker = Objects.requireNonNull(maker, "maker");
            return this;
        }

        public FaultType<F> build() {
            return new FaultType<>(this);
        }
    }
}
