package io.chaosproxy.bench;

import java.nio.channels.SocketChannel;
import java.util.function.Supplier;

/** One side of one soak connection as the {@link Watchdog} sees it: when it last moved a byte, and how to stop it. */
final class Activity {
    private final SocketChannel channel;
    private final Supplier<String> description;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile boolean hung;

    Activity(SocketChannel channel, Supplier<String> description) {
        this.channel = channel;
        this.description = description;
    }

    /** Called for every byte moved (read or written), in batches. */
    void progress() {
        lastProgressNanos = System.nanoTime();
    }

    long idleNanos(long now) {
        return now - lastProgressNanos;
    }

    /** Marks it hung and aborts its socket, so its thread returns and says {@link Verdict#HUNG}. */
    void abortAsHung() {
        hung = true;
        Duplex.abort(channel);
    }

    boolean hung() {
        return hung;
    }

    @Override
    public String toString() {
        return description.get();
    }
}
