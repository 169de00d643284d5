package io.chaosproxy;

import io.chaosproxy.fault.Bandwidth;
import io.chaosproxy.fault.ConnectDelay;
import io.chaosproxy.fault.Corrupt;
import io.chaosproxy.fault.CorruptMode;
import io.chaosproxy.fault.Drop;
import io.chaosproxy.fault.DropMode;
import io.chaosproxy.fault.Envelope;
import io.chaosproxy.fault.Latency;
import io.chaosproxy.fault.LimitData;
import io.chaosproxy.fault.Loss;
import io.chaosproxy.fault.MaxLifetime;
import io.chaosproxy.fault.Noop;
import io.chaosproxy.fault.PacketLoss;
import io.chaosproxy.fault.ResetPeer;
import io.chaosproxy.fault.Slicer;
import io.chaosproxy.fault.SlowClose;
import io.chaosproxy.fault.Terminate;
import io.chaosproxy.fault.Timeout;
import io.chaosproxy.spi.Check;
import java.time.Duration;
import java.util.Map;

/**
 * A network fault: an immutable value with a type, its own attributes, and the {@link Envelope} every fault
 * shares (name, direction, toxicity). Start from a static factory, set type-specific options, then the shared
 * ones, each returning a modified copy:
 *
 * <pre>{@code
 * Fault.latency(Duration.ofMillis(100)).jitter(Duration.ofMillis(20)).direction(Direction.BOTH).named("slow")
 * }</pre>
 *
 * Defaults are Toxiproxy's: direction {@code DOWNSTREAM}, toxicity 1.0, name {@code <type>_<direction>}.
 * Every duration is at most {@link #MAX_DURATION}; the factories throw {@link IllegalArgumentException} for a
 * value out of range.
 */
public interface Fault {
    /**
     * The longest duration any fault (a delay, a jitter, a timeout, a lifetime) and the proxy's connect and
     * shutdown timeouts may have: 1 day. A latency's delay and jitter together stay within it too.
     */
    Duration MAX_DURATION = Check.MAX_DURATION;

    /** The fault's type, Toxiproxy's name where Toxiproxy has it: {@code latency}, {@code bandwidth}, ... */
    String type();

    /** The name, direction and toxicity of this fault. */
    Envelope envelope();

    /** A copy of this fault with another envelope. */
    Fault withEnvelope(Envelope envelope);

    /**
     * The type-specific attributes, with Toxiproxy's names and units where Toxiproxy has the fault, as the admin
     * API shows them; the fault's registered type describes them.
     */
    Map<String, Object> attributes();



    /** The name: as given by {@link #named}, else {@code <type>_<direction>}, e.g. {@code latency_downstream}. */
    default String name() {
        String name = envelope().name();
        return name != null ? name : type() + "_" + direction().wireName();
    }

    /** Which way the fault applies. */
    default Direction direction() {
        return envelope().direction();
    }

    /** The probability, 0.0 to 1.0, that the fault applies to a given connection. */
    default double toxicity() {
        return envelope().toxicity();
    }

    /** A copy that applies in {@code direction}. */
    default Fault direction(Direction direction) {
        return withEnvelope(envelope().withDirection(direction));
    }

    /** A copy that applies to a connection with probability {@code toxicity} (0.0..1.0). */
    default Fault toxicity(double toxicity) {
        return withEnvelope(envelope().withToxicity(toxicity));
    }

    /** A copy with that name; names are unique within a route. */
    default Fault named(String name) {
        return withEnvelope(envelope().withName(name));
    }

    /** Holds each chunk {@code delay} (± a jitter set with {@link Latency#jitter}) before passing it on. */
    static Latency latency(Duration delay) {
        return new Latency(delay, Duration.ZERO, Envelope.DEFAULT);
    }

    /** At most {@code bytesPerSecond} in the fault's direction; 0 holds every byte until the fault is removed. */
    static Bandwidth bandwidth(long bytesPerSecond) {
        return new Bandwidth(bytesPerSecond, Envelope.DEFAULT);
    }

    /** Cuts chunks into slices of {@code averageSize ± sizeVariation} bytes, sent {@code delay} apart. */
    static Slicer slicer(int averageSize, int sizeVariation, Duration delay) {
        return new Slicer(averageSize, sizeVariation, delay, Envelope.DEFAULT);
    }

    /** Stops data; closes the connection after {@code timeout}, or (0) holds it until the fault is removed. */
    static Timeout timeout(Duration timeout) {
        return new Timeout(timeout, Envelope.DEFAULT);
    }

    /** Resets both sides (RST) {@code timeout} after the connection starts, or the fault is added. */
    static ResetPeer resetPeer(Duration timeout) {
        return new ResetPeer(timeout, Envelope.DEFAULT);
    }

    /** Passes the end of the stream on only {@code delay} after it arrives. */
    static SlowClose slowClose(Duration delay) {
        return new SlowClose(delay, Envelope.DEFAULT);
    }

    /** Closes the connection once {@code bytes} have passed in the fault's direction. */
    static LimitData limitData(long bytes) {
        return new LimitData(bytes, Envelope.DEFAULT);
    }

    /**
     * With {@code probability} per chunk, replaces a byte of it with a different, random one; or, with
     * {@link Corrupt#inserting()}, sends random bytes before it, as Trixter does.
     */
    static Corrupt corrupt(double probability) {
        return new Corrupt(probability, CorruptMode.REPLACE, Envelope.DEFAULT);
    }

    /** With {@code probability} per chunk, aborts the connection with an RST to both sides. */
    static Terminate terminate(double probability) {
        return new Terminate(probability, Envelope.DEFAULT);
    }

    /** Closes the connection once it has lived {@code lifetime} (or resets it: {@link MaxLifetime#reset}). */
    static MaxLifetime maxLifetime(Duration lifetime) {
        return new MaxLifetime(lifetime, false, Envelope.DEFAULT);
    }

    /** Contacts the upstream only {@code delay} after the client connected. */
    static ConnectDelay connectDelay(Duration delay) {
        return new ConnectDelay(delay, Envelope.DEFAULT);
    }

    /**
     * With {@code probability} per chunk, holds that chunk and every one behind it for a retransmission delay
     * (default 200 ms): the stream stutters as TCP does over a lossy link; nothing is lost or reordered.
     */
    static Loss loss(double probability) {
        return new Loss(probability, Loss.DEFAULT_RETRANSMIT_DELAY, Envelope.DEFAULT);
    }

    /**
     * Toxiproxy's {@code packet_loss}: with {@code lossRate} per chunk, that chunk's bytes are dropped and the stream
     * has a gap (more likely right after a drop: {@link PacketLoss#correlation}). {@link #loss} is what packet loss
     * does to a real TCP connection, which never loses a byte.
     */
    static PacketLoss packetLoss(double lossRate) {
        return new PacketLoss(lossRate, 0.0, Envelope.DEFAULT);
    }

    /** Toxiproxy's {@code noop}: a fault that does nothing. */
    static Noop noop() {
        return new Noop(Envelope.DEFAULT);
    }

    /** With {@code probability}, a new connection is dropped before the upstream is contacted (close by default). */
    static Drop drop(double probability) {
        return new Drop(probability, DropMode.CLOSE, Envelope.DEFAULT);
    }
}
