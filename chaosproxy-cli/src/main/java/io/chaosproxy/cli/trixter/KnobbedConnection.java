package io.chaosproxy.cli.trixter;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Fault;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.EnumMap;
import java.util.Map;

/**
 * One live connection as Trixter's API sees it: the value of each knob, each set one a fault of this connection
 * alone. The values are kept here, not read back from {@link ChaosConnection#faults()}, which the connection's loop
 * publishes a moment after a change: a {@code GET} right after a {@code PATCH} must show the new value.
 */
final class KnobbedConnection {
    private final ChaosConnection connection;
    private final Map<Knob, Number> values = new EnumMap<>(Knob.class);   // guarded by this

    /**
     * Gives {@code connection} the starting values; called on its loop when it opens, so they apply from byte one.
     * Their faults stack in the knobs' order, whatever the map's (a {@code Map.copyOf} iterates in an order that
     * changes from JVM to JVM): corruption behind the slicer decides per slice, in front of it per read of up to
     * 64 KiB, a few dozen draws a MiB, and a run would not replay with its seed.
     */
    KnobbedConnection(ChaosConnection connection, Map<Knob, Number> initial) {
        this.connection = connection;
        for (Knob knob : Knob.values()) {
            Number value = initial.get(knob);
            if (value != null) {
                set(knob, value);
            }
        }
    }

    ChaosConnection connection() {
        return connection;
    }

    String id() {
        return Long.toString(connection.id());
    }

    /**
     * Turns {@code knob} to {@code value}: its fault leaves the connection (what it held moves on, in order) and the
     * new one, unless the value is 0, takes its place.
     */
    synchronized void set(Knob knob, Number value) {
        Number old = values.put(knob, value);
        if (value.equals(old)) {
            return;   // a latency taken away would let go of what it holds early
        }
        Fault before = old == null ? null : knob.fault(old);
        Fault fault = knob.fault(value);
        if (before != null && fault != null) {
            connection.updateFault(fault);   // in place: what a latency holds passes through the new one, in order
        } else if (before != null) {
            connection.removeFault(knob.faultName());
        } else if (fault != null) {
            connection.addFault(fault);
        }
    }

    /** Trixter's {@code ConnectionStatus}, field for field. */
    synchronized ObjectNode status() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode status = json.objectNode();
        ObjectNode info = status.putObject("conn_info");
        info.put("id", id());
        info.put("downstream", socketAddress(connection.clientAddress()));
        info.put("upstream", socketAddress(connection.upstreamAddress()));
        long delayMs = unsigned(Knob.DELAY).longValue();   // at most a day: TrixterApi refuses longer ones
        ObjectNode delay = status.putObject("delay");
        delay.put("secs", delayMs / 1000);
        delay.put("nanos", (delayMs % 1000) * 1_000_000);
        status.put("throttle_rate", unsigned(Knob.THROTTLE));
        status.put("slice_size", unsigned(Knob.SLICE));
        status.put("terminate_probability_rate", values.get(Knob.TERMINATION).doubleValue());
        status.put("corrupt_probability_rate", values.get(Knob.CORRUPTION).doubleValue());
        return status;
    }

    private BigInteger unsigned(Knob knob) {
        return new BigInteger(Long.toUnsignedString(values.get(knob).longValue()));
    }

    /** As Rust prints a {@code SocketAddr}: {@code 127.0.0.1:59024}, {@code [::1]:59024}. */
    static String socketAddress(InetSocketAddress address) {
        if (address.isUnresolved()) {
            return address.getHostString() + ":" + address.getPort();
        }
        String host = address.getAddress().getHostAddress();
        if (address.getAddress() instanceof Inet6Address) {
            int scope = host.indexOf('%');
            host = "[" + (scope < 0 ? host : host.substring(0, scope)) + "]";
        }
        return host + ":" + address.getPort();
    }
}
