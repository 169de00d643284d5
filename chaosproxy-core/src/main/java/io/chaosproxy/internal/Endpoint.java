package io.chaosproxy.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** One socket of a connection (the client's or the upstream's) and the interest its loop has in it. */
final class Endpoint {
    SocketChannel channel;   // replaced only by reopen() or adopt(), before the connection is set up
    final String role;
    SelectionKey key;
    private int interest;
    private ByteBuffer early;   // what the peer sent before this connection adopted the socket; null almost always

    Endpoint(SocketChannel channel, String role) {
        this.channel = channel;
        this.role = role;
    }

    /**
     * Non-blocking, and without Nagle: chunks are forwarded as they come, Nagle would add delay nobody asked for.
     * With {@code keepAlive}, the kernel probes an idle peer (SO_KEEPALIVE).
     */
    void configure(boolean keepAlive) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        if (keepAlive) {
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        }
    }

    /** A fresh socket in place of one whose connect failed: a socket connects once. Before any pipe used it. */
    void reopen() throws IOException {
        close();
        key = null;
        interest = 0;
        early = null;
        channel = SocketChannel.open();
    }

    /**
     * A connected socket opened ahead of time (see {@link Preconnector}) in place of this one, which was never used;
     * {@code early} is what its peer sent meanwhile, or null. Before any pipe used this endpoint.
     */
    void adopt(SocketChannel connected, ByteBuffer early) {
        close();
        key = null;
        interest = 0;
        channel = connected;
        this.early = early;
    }

    /** What the peer sent before the socket was adopted, once: the pipe reading this endpoint forwards it first. */
    ByteBuffer takeEarly() {
        ByteBuffer bytes = early;
        early = null;
        return bytes;
    }

    /** Turns interest in {@code op} on or off; a no-op when nothing changes, to spare the syscall. */
    void want(int op, boolean on) {
        int next = on ? interest | op : interest & ~op;
        if (next != interest) {
            interest = next;
            if (key != null && key.isValid()) {
                key.interestOps(next);
            }
        }
    }

    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** Closes with an RST instead of a FIN: SO_LINGER 0, then close. */
    void reset() {
        try {
            if (channel.isOpen()) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException | RuntimeException ignored) {
            // The socket is already dead; closing it is all that is left.
        }
        close();
    }

    void close() {
        if (key != null) {
            key.cancel();
        }
        EventLoop.closeQuietly(channel);
    }

    /**
     * Whether bytes wait unread in the socket: the kernel accepted them, so closing now loses them. Reads (and so
     * loses) one byte into {@code probe} to tell; only for a connection being closed.
     */
    boolean hasUnreadBytes(ByteBuffer probe) {
        probe.clear().limit(1);
        try {
            // An upstream whose connect the loop has not finished yet may have sent bytes already.
            if (!channel.isConnected() && !(channel.isConnectionPending() && channel.finishConnect())) {
                return false;
            }
            return channel.read(probe) > 0;
        } catch (IOException | RuntimeException e) {
            return false;   // the socket is broken: it is reset anyway, nothing more to tell
        }
    }

    /**
     * Reads what waits and throws it away, into {@code scratch}; returns false once the peer has ended the stream
     * or the socket failed.
     */
    boolean discardInput(ByteBuffer scratch) {
        try {
            int read;
            do {
                scratch.clear();
                read = channel.read(scratch);
            } while (read > 0);
            return read >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    String remoteAddress() {
        try {
            SocketAddress address = channel.getRemoteAddress();
            return address == null ? "?" : address.toString();
        } catch (IOException e) {
            return "?";
        }
    }
}
