package io.chaosproxy.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * One connection a {@link Preconnector} opened ahead of any client: connecting, then idle until a client's connection
 * takes it over. What the upstream sends meanwhile (a server-first protocol's greeting) is read into it, up to
 * {@link #EARLY_LIMIT}, so that an upstream closing later is noticed; the connection that takes it forwards those
 * bytes first. Touched by the preconnector's thread until taken, by the taking loop after: never by both.
 */
final class IdleUpstream {
    /** Bytes kept from an idle upstream; beyond them it is no longer read (nor watched) until taken. */
    static final int EARLY_LIMIT = 16 * 1024;

    final UpstreamTarget target;
    final SocketChannel channel;
    final InetSocketAddress address;
    final long deadlineNanos;   // of the connect
    SelectionKey key;           // in the preconnector's selector
    boolean connected;
    long connectedNanos;
    private byte[] early;       // made when the first byte comes: most upstreams wait for the client
    private int earlySize;

    IdleUpstream(UpstreamTarget target, SocketChannel channel, InetSocketAddress address, long deadlineNanos) {
        this.target = target;
        this.channel = channel;
        this.address = address;
        this.deadlineNanos = deadlineNanos;
    }

    /**
     * Reads what the upstream sent, through {@code scratch}, until nothing more waits or {@link #EARLY_LIMIT} is
     * reached; returns false once the upstream has ended the stream or reset it: the connection is dead.
     */
    boolean readEarly(ByteBuffer scratch) {
        try {
            while (earlySize < EARLY_LIMIT) {
                scratch.clear().limit(Math.min(scratch.capacity(), EARLY_LIMIT - earlySize));
                int read = channel.read(scratch);
                if (read <= 0) {
                    return read == 0;
                }
                scratch.flip();
                keep(scratch);
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void keep(ByteBuffer bytes) {
        int needed = earlySize + bytes.remaining();   // at most EARLY_LIMIT: readEarly reads no more
        int capacity = early == null ? 0 : early.length;
        if (capacity < needed) {
            int grown = Math.min(EARLY_LIMIT, Math.max(needed, Math.max(512, 2 * capacity)));
            early = early == null ? new byte[grown] : Arrays.copyOf(early, grown);
        }
        bytes.get(early, earlySize, bytes.remaining());
        earlySize = needed;
    }

    /** Whether no more is read from it while idle: what else comes stays in the socket, in order. */
    boolean earlyFull() {
        return earlySize >= EARLY_LIMIT;
    }

    /** What the upstream sent before the connection was taken, or null. */
    ByteBuffer early() {
        return early == null ? null : ByteBuffer.wrap(early, 0, earlySize);
    }

    void close() {
        if (key != null) {
            key.cancel();
        }
        EventLoop.closeQuietly(channel);
    }
}
