package io.chaosproxy.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on an ephemeral loopback port that plays a script: its first {@code scripted} connections go to
 * a handler, every later one echoes. A thread per connection, each given the {@link SocketChannel} (so a
 * {@link Pump} can drive it). {@link #close()} closes every channel and waits for every thread.
 */
final class ChannelServer implements AutoCloseable {

    /** What the server does with one of its first connections. */
    @FunctionalInterface
    interface Handler {
        void handle(SocketChannel channel) throws Exception;
    }

    private final ServerSocketChannel server;
    private final int scripted;
    private final Handler handler;
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<SocketChannel> channels = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private ChannelServer(int scripted, Handler handler) {
        this.scripted = scripted;
        this.handler = handler;
        try {
            server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::acceptLoop, "test-upstream-acceptor");
        acceptor.start();
    }

    /** A server whose first {@code scripted} connections run {@code handler}, the others echo. */
    static ChannelServer start(int scripted, Handler handler) {
        return new ChannelServer(scripted, handler);
    }

    String address() {
        return "127.0.0.1:" + server.socket().getLocalPort();
    }

    int acceptedConnections() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                return;   // closed
            }
            channels.add(channel);
            boolean script = accepted.incrementAndGet() <= scripted;
            Thread thread = new Thread(() -> serve(channel, script), "test-upstream-conn");
            threads.add(thread);
            thread.start();
        }
    }

    private void serve(SocketChannel channel, boolean script) {
        try (channel) {
            if (script) {
                handler.handle(channel);
            } else {
                echo(channel);
            }
        } catch (Exception e) {
            // The proxy or the test cut the connection; what that looks like is checked on the other side.
        }
    }

    private static void echo(SocketChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        while (channel.read(buffer) >= 0) {
            buffer.flip();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            buffer.clear();
        }
        channel.shutdownOutput();
    }

    @Override
    public void close() throws Exception {
        server.close();
        acceptor.join(5000);
        for (SocketChannel channel : channels) {
            channel.close();
        }
        for (Thread thread : threads) {
            thread.join(5000);
        }
    }
}
