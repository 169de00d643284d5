package io.chaosproxy.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many TCP connections served by one thread, for load without a thread per connection. As a server it accepts on
 * an ephemeral loopback port; as clients it connects. Each connection either echoes what it reads
 * ({@link Mode#ECHO}) or writes without end while discarding what it reads ({@link Mode#STREAM}). A connection the
 * other side ends (EOF, reset) is closed and counted in {@link #ended()}. {@link #close()} closes every channel
 * and waits for the thread.
 */
final class NioPeers implements AutoCloseable {

    /** What every connection does. */
    enum Mode { ECHO, STREAM }

    private static final int BUFFER_SIZE = 16 * 1024;

    private final Mode mode;
    private final Selector selector;
    private final ServerSocketChannel server;
    private final Queue<SocketChannel> handedOver = new ConcurrentLinkedQueue<>();
    private final ByteBuffer discard = ByteBuffer.allocate(BUFFER_SIZE);
    private final ByteBuffer pattern = ByteBuffer.allocate(BUFFER_SIZE);
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicInteger endedByError = new AtomicInteger();
    private final AtomicInteger reading = new AtomicInteger();
    private final AtomicLong bytesRead = new AtomicLong();
    private final Thread thread;
    private volatile boolean closing;

    private NioPeers(Mode mode, boolean listen, String name) {
        this.mode = mode;
        try {
            selector = Selector.open();
            if (listen) {
                server = ServerSocketChannel.open();
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
                server.configureBlocking(false);
                server.register(selector, SelectionKey.OP_ACCEPT);
            } else {
                server = null;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < BUFFER_SIZE; i++) {
            pattern.put((byte) (i * 31 + 7));
        }
        pattern.flip();
        thread = new Thread(this::run, name);
        thread.start();
    }

    /** A server on an ephemeral loopback port whose every connection does {@code mode}. */
    static NioPeers server(Mode mode) {
        return new NioPeers(mode, true, "test-nio-upstream");
    }

    /** Clients made with {@link #connect}, each doing {@code mode}. */
    static NioPeers clients(Mode mode) {
        return new NioPeers(mode, false, "test-nio-clients");
    }

    int port() {
        return server.socket().getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    /** Opens {@code count} connections to {@code port} (each connect completes before the next starts). */
    void connect(int port, int count) throws IOException {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        for (int i = 0; i < count; i++) {
            handedOver.add(SocketChannel.open(target));
            selector.wakeup();
        }
    }

    /** Connections opened (accepted, or connected by {@link #connect}) so far. */
    int opened() {
        return opened.get();
    }

    /** Connections ended by the other side (EOF or an error) so far. */
    int ended() {
        return ended.get();
    }

    /**
     * Connections whose end showed first as an error (a reset) rather than an EOF. One thread does every read
     * and write, so a reset is never hidden as an EOF by another thread taking its error first.
     */
    int endedByError() {
        return endedByError.get();
    }

    /** Connections that have read at least one byte. */
    int reading() {
        return reading.get();
    }

    long bytesRead() {
        return bytesRead.get();
    }

    private void run() {
        try {
            while (!closing) {
                selector.select();
                SocketChannel channel;
                while ((channel = handedOver.poll()) != null) {
                    adopt(channel);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isValid() && key.isAcceptable()) {
                        // Every waiting connection now: one a turn would leave a burst queued for seconds.
                        SocketChannel accepted;
                        while ((accepted = server.accept()) != null) {
                            adopt(accepted);
                        }
                    } else if (key.isValid()) {
                        serve(key);
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException | ClosedSelectorException e) {
            if (!closing) {
                throw new IllegalStateException("test peers failed", e);
            }
        }
    }

    private void adopt(SocketChannel channel) throws IOException {
        opened.incrementAndGet();
        channel.configureBlocking(false);
        int interest = mode == Mode.STREAM ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        channel.register(selector, interest, new State(mode == Mode.ECHO ? ByteBuffer.allocate(BUFFER_SIZE) : null));
    }

    private void serve(SelectionKey key) {
        SocketChannel channel = (SocketChannel) key.channel();
        State state = (State) key.attachment();
        try {
            if (mode == Mode.STREAM) {
                stream(key, channel, state);
            } else {
                echo(key, channel, state);
            }
        } catch (IOException e) {
            endedByError.incrementAndGet();   // a reset or a broken pipe: the other side is gone
            end(key);
        }
    }

    private void stream(SelectionKey key, SocketChannel channel, State state) throws IOException {
        if (key.isReadable()) {
            discard.clear();
            int n = channel.read(discard);
            if (n < 0) {
                end(key);
                return;
            }
            counted(state, n);
        }
        if (key.isValid() && key.isWritable()) {
            channel.write(pattern.duplicate());
        }
    }

    private void echo(SelectionKey key, SocketChannel channel, State state) throws IOException {
        ByteBuffer buffer = state.echo;
        if (key.isReadable()) {
            int n = channel.read(buffer);
            if (n < 0) {
                state.eof = true;
            } else {
                counted(state, n);
            }
        }
        buffer.flip();
        channel.write(buffer);
        buffer.compact();
        if (buffer.position() > 0) {
            key.interestOps(SelectionKey.OP_WRITE);   // the client reads slowly: stop reading until it catches up
        } else if (state.eof) {
            end(key);
        } else {
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void counted(State state, int n) {
        if (n > 0 && !state.hasRead) {
            state.hasRead = true;
            reading.incrementAndGet();
        }
        bytesRead.addAndGet(n);
    }

    private void end(SelectionKey key) {
        ended.incrementAndGet();
        key.cancel();
        try {
            key.channel().close();
        } catch (IOException e) {
            // Closing a broken channel; nothing to do.
        }
    }

    @Override
    public void close() throws Exception {
        closing = true;
        selector.wakeup();
        thread.join(10_000);
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        SocketChannel channel;
        while ((channel = handedOver.poll()) != null) {
            channel.close();
        }
        selector.close();
    }

    /** One connection's state; the peers' thread only. */
    private static final class State {
        final ByteBuffer echo;
        boolean eof;
        boolean hasRead;

        State(ByteBuffer echo) {
            this.echo = echo;
        }
    }
}
