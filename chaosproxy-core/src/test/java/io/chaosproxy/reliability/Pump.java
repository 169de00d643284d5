package io.chaosproxy.reliability;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a connection busy both ways, writing without end and reading everything, and tells how it ended: first
 * an EOF, or first an error (a reset). A cut side must end both halves: the read with an EOF or an error, the
 * write with an error once nobody takes what it writes.
 *
 * <p>One thread does both halves. With two, the first to touch a reset socket takes its error
 * ({@code ECONNRESET} is reported once) and the other sees a plain EOF, so an RST could not be told from a FIN.
 */
final class Pump {
    /** How the connection first showed its end. */
    record End(boolean reset, String description) {
        static final End EOF = new End(false, "EOF");

        static End of(IOException e) {
            return new End(true, e.getClass().getSimpleName() + ": " + e.getMessage());
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /** How a side of a connection dies. */
    enum Kill {
        /** An RST: {@code SO_LINGER} 0, then close. */
        RESET,
        /** A plain close while data flows both ways, as the kernel closes a killed process's sockets. */
        ABRUPT_CLOSE;

        void apply(SocketChannel channel) throws IOException {
            if (this == RESET) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
            channel.close();
        }
    }

    final AtomicLong written = new AtomicLong();
    final AtomicLong read = new AtomicLong();
    /** The first sign of the end: an EOF on read, or an error on either half. */
    final CompletableFuture<End> firstEnd = new CompletableFuture<>();
    /** Both halves over: read at EOF or failed, and write failed. */
    final CompletableFuture<Void> ended = new CompletableFuture<>();

    private final SocketChannel channel;
    private final Selector selector;
    private volatile Kill kill;
    private final CompletableFuture<Void> killed = new CompletableFuture<>();

    private Pump(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.selector = Selector.open();
    }

    /** Starts pumping on {@code channel} on a thread named {@code name}. */
    static Pump start(SocketChannel channel, String name) throws IOException {
        Pump pump = new Pump(channel);
        Thread thread = new Thread(pump::run, name);
        thread.setDaemon(true);
        thread.start();
        return pump;
    }

    /** Kills the connection from the pump's own thread (so no other thread is in a read or a write). */
    void kill(Kill how) throws Exception {
        kill = how;
        selector.wakeup();
        killed.get(10, TimeUnit.SECONDS);
    }

    /** Whether both halves are over. */
    boolean isEnded() {
        return ended.isDone();
    }

    @Override
    public String toString() {
        return "written=" + written + " read=" + read + " first end: " + firstEnd.getNow(null)
                + (ended.isDone() ? " (both halves over)" : " (not over)");
    }

    private void run() {
        ByteBuffer out = ByteBuffer.allocate(16 * 1024);
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        boolean readOver = false;
        boolean writeOver = false;
        try (selector) {
            channel.configureBlocking(false);
            SelectionKey key = channel.register(selector, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            while (!(readOver && writeOver)) {
                selector.select(100);
                selector.selectedKeys().clear();
                if (kill != null) {
                    key.cancel();
                    selector.selectNow();   // deregistered, so the close below happens now
                    kill.apply(channel);
                    killed.complete(null);
                    return;
                }
                try {
                    if (!readOver) {
                        in.clear();
                        int n = channel.read(in);
                        if (n < 0) {
                            readOver = true;
                            firstEnd.complete(End.EOF);
                        } else {
                            read.addAndGet(n);
                        }
                    }
                    if (!writeOver) {
                        out.clear();
                        written.addAndGet(channel.write(out));
                    }
                } catch (IOException e) {
                    firstEnd.complete(End.of(e));   // no-op when an EOF came first
                    readOver = true;                // a failed socket is over both ways
                    writeOver = true;
                }
                key.interestOps((readOver ? 0 : SelectionKey.OP_READ) | (writeOver ? 0 : SelectionKey.OP_WRITE));
            }
            ended.complete(null);
        } catch (IOException | RuntimeException e) {
            firstEnd.completeExceptionally(e);
            ended.completeExceptionally(e);
            killed.completeExceptionally(e);
        } finally {
            killed.complete(null);   // a kill asked for after the end has nothing left to do
            try {
                channel.close();
            } catch (IOException ignored) {
                // Already broken.
            }
        }
    }
}
