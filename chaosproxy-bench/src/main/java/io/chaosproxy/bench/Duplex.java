package io.chaosproxy.bench;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * One side of one soak connection, on one thread: sends its stream and checks the one arriving at the same
 * time, over a non-blocking socket. One thread, because Linux reports a reset to one system call only: with a
 * reader and a writer on two threads, the writer can take the reset and the reader then sees a clean end of
 * stream, a silent truncation that never happened. Here the first reset or end the side meets is the first
 * that happened to it.
 */
final class Duplex implements AutoCloseable {
    private static final int MAX_WRITE = 32 * 1024;

    private final SocketChannel channel;
    private final Activity activity;
    private final Selector selector;
    private final SelectionKey key;
    private final ByteBuffer in = ByteBuffer.allocate(32 * 1024);
    private boolean reset;   // the socket failed: nothing more will move
    private int headerLeft;  // header bytes not yet written: not part of the stream the receiver checks

    Duplex(SocketChannel channel, Activity activity) throws IOException {
        this.channel = channel;
        this.activity = activity;
        channel.configureBlocking(false);
        selector = Selector.open();
        key = channel.register(selector, SelectionKey.OP_READ);
    }

    /**
     * Reads exactly {@code into.length} bytes, sending nothing; returns how many arrived, or {@code -1 - arrived}
     * if the stream ended with an error (or hung) first.
     */
    int readFully(byte[] into) {
        ByteBuffer buffer = ByteBuffer.wrap(into);
        try {
            while (buffer.hasRemaining() && !activity.hung()) {
                selector.select(100);
                selector.selectedKeys().clear();
                if (channel.read(buffer) < 0) {
                    return buffer.position();
                }
                activity.progress();
            }
            return activity.hung() ? -buffer.position() - 1 : buffer.position();
        } catch (IOException e) {
            reset = true;
            return -buffer.position() - 1;
        }
    }

    /**
     * Sends {@code header} and then {@code sending} (in writes of random size, counted in {@code written}), then
     * a FIN, while it checks what arrives against {@code receiving}; returns the verdict on the stream received
     * once both are done. A stream received short, wrong or cut ends the exchange at once.
     */
    Verdict exchange(byte[] header, OutgoingStream sending, SplittableRandom sizes, AtomicLong written,
            StreamCheck receiving, LongSupplier senderWritten) {
        ByteBuffer out = ByteBuffer.allocate(Math.max(MAX_WRITE, header.length)).put(header).flip();
        headerLeft = header.length;
        boolean sendingDone = false;
        Verdict verdict = null;
        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        try {
            while ((verdict == null || !sendingDone) && !activity.hung()) {
                selector.select(100);
                selector.selectedKeys().clear();
                if (verdict == null) {
                    verdict = receive(receiving, senderWritten);
                }
                if (!sendingDone && (verdict == null || verdict == Verdict.COMPLETE)) {
                    sendingDone = send(out, sending, sizes, written);
                }
                if (verdict != null && verdict != Verdict.COMPLETE) {
                    break;   // the exchange failed; the caller aborts the connection
                }
            }
        } catch (IOException e) {
            reset = true;
            if (verdict == null) {
                verdict = receiving.endedWithError();
            }
        }
        return activity.hung() ? Verdict.HUNG : verdict;
    }

    /** What arrived so far, checked; a verdict once the stream ended, else null. */
    private Verdict receive(StreamCheck receiving, LongSupplier senderWritten) throws IOException {
        int n;
        while ((n = channel.read(in.clear())) > 0) {
            activity.progress();
            if (!receiving.accept(in.array(), 0, n)) {
                return Verdict.PREFIX_VIOLATION;
            }
        }
        if (n < 0) {
            key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
            return receiving.endedCleanly(senderWritten.getAsLong());
        }
        return null;
    }

    /** Writes what the socket takes now; true once everything and the FIN are sent. */
    private boolean send(ByteBuffer out, OutgoingStream sending, SplittableRandom sizes, AtomicLong written)
            throws IOException {
        while (true) {
            if (!out.hasRemaining()) {
                int n = sending.next(out.array(), 1 + sizes.nextInt(sizes.nextInt(4) == 0 ? 512 : MAX_WRITE));
                if (n < 0) {
                    channel.shutdownOutput();
                    key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
                    return true;
                }
                out.clear().limit(n);
            }
            int n = channel.write(out);
            if (n == 0) {
                return false;   // the socket is full: on with the next OP_WRITE
            }
            written.addAndGet(Math.max(0, n - headerLeft));
            headerLeft = Math.max(0, headerLeft - n);
            activity.progress();
        }
    }

    /** Whether the watchdog found this side hung. */
    boolean hung() {
        return activity.hung();
    }

    /** Whether the socket failed with a reset or an error. */
    boolean wasReset() {
        return reset;
    }

    /** Closes with a FIN when {@code clean}, else with an RST, so the other side sees the failure. */
    void close(boolean clean) {
        if (!clean) {
            abort(channel);
        }
        close();
    }

    @Override
    public void close() {
        try {
            selector.close();
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do with it
        }
    }

    /** Closes with an RST ({@code SO_LINGER 0}); harmless on a channel already closed. */
    static void abort(SocketChannel channel) {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException ignored) {
            // already closed
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
