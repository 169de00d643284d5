package io.chaosproxy.cli.trixter;

import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.fault.Slicer;
import io.chaosproxy.fault.Bandwidth;
import java.time.Duration;
import java.util.function.Function;

/**
 * One of Trixter's runtime knobs: its path under {@code /connections/{id}/}, the request Trixter's API takes
 * (the struct's name shows in its error messages), and the fault of one connection it becomes. Each fault acts on
 * both directions, as Trixter wraps the writes of both sockets; a value of 0 is no fault.
 */
enum Knob {
    DELAY("delay", "DelayReq", "delay_ms", Value.U64, v -> Fault.latency(Duration.ofMillis(v.longValue()))),
    THROTTLE("throttle", "ThrottleReq", "rate_bytes", Value.USIZE,
            v -> Fault.bandwidth(clamp(v, Bandwidth.MAX_BYTES_PER_SECOND))),
    SLICE("slice", "SliceReq", "size_bytes", Value.USIZE,
            v -> Fault.slicer((int) clamp(v, Slicer.MAX_SIZE), 0, Duration.ZERO)),
    TERMINATION("termination", "TerminationReq", "probability_rate", Value.F64,
            v -> Fault.terminate(v.doubleValue())),
    CORRUPTION("corruption", "CorruptionReq", "probability_rate", Value.F64,
            v -> corruption(v.doubleValue()));

    /** The Rust type of a request's field, which decides what JSON it takes and how its errors read. */
    enum Value {
        U64("u64"), USIZE("usize"), F64("f64");

        final String rustName;

        Value(String rustName) {
            this.rustName = rustName;
        }
    }

    /** The longest delay the engine holds data: {@link Fault#MAX_DURATION}, in milliseconds. */
    static final long MAX_DELAY_MS = Fault.MAX_DURATION.toMillis();

    final String path;
    final String request;
    final String field;
    final Value value;
    private final Function<Number, Fault> fault;

    Knob(String path, String request, String field, Value value, Function<Number, Fault> fault) {
        this.path = path;
        this.request = request;
        this.field = field;
        this.value = value;
        this.fault = fault;
    }

    /** The name of its fault on a connection. */
    String faultName() {
        return "trixter_" + path;
    }

    /** The fault for {@code value} (a Long read as unsigned, or a Double), or null when the value turns it off. */
    Fault fault(Number value) {
        boolean off = value instanceof Double d ? d == 0.0 : value.longValue() == 0;
        return off ? null : fault.apply(value).direction(Direction.BOTH).named(faultName());
    }

    /** The knob whose path segment is {@code path}, or null. */
    static Knob byPath(String path) {
        for (Knob knob : values()) {
            if (knob.path.equals(path)) {
                return knob;
            }
        }
        return null;
    }

    /** Trixter's corruption: with {@code probability} per chunk, random bytes go out before it (none replaced). */
    static Fault corruption(double probability) {
        return Fault.corrupt(probability).inserting();
    }

    /**
     * An unsigned value capped at what the engine takes: a rate or slice beyond it behaves as no limit anyway (a
     * chunk is never that large, and 1 TB/s is beyond any socket).
     */
    private static long clamp(Number value, long max) {
        long unsigned = value.longValue();
        return Long.compareUnsigned(unsigned, max) > 0 ? max : unsigned;
    }
}
