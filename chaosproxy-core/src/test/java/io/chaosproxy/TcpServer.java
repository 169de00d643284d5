package io.chaosproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking upstream for tests: a thread per connection running {@code handler}, on an ephemeral loopback
 * port. {@link #close()} closes every socket and waits for every thread.
 */
public final class TcpServer implements AutoCloseable {

    /** What the server does with one accepted connection. */
    @FunctionalInterface
    public interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final Handler handler;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;

    private TcpServer(Handler handler) {
        this(handler, InetAddress.getLoopbackAddress());
    }

    private TcpServer(Handler handler, InetAddress bindAddress) {
        this.handler = handler;
        try {
            server = new ServerSocket(0, 1024, bindAddress);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::acceptLoop, "test-upstream-" + server.getLocalPort());
        acceptor.start();
    }

    /** Starts a server running {@code handler} for each connection, on its own thread. */
    public static TcpServer start(Handler handler) {
        return new TcpServer(handler);
    }

    /** Echoes every byte back; half-closes when the client does. */
    public static TcpServer echo() {
        return start(socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            in.transferTo(out);
            socket.shutdownOutput();
        });
    }

    /** Writes {@code identity} and closes. */
    static TcpServer identity(String identity) {
        return identityOn(InetAddress.getLoopbackAddress(), identity);
    }

    /** As {@link #identity}, listening on {@code bindAddress} only. */
    static TcpServer identityOn(InetAddress bindAddress, String identity) {
        return new TcpServer(socket -> {
            socket.getOutputStream().write(identity.getBytes(StandardCharsets.UTF_8));
            socket.shutdownOutput();
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        }, bindAddress);
    }

    /** Reads one byte, records when it arrived in {@code arrivedNanos}, answers one byte, waits for the close. */
    static TcpServer stampingEcho(java.util.concurrent.CompletableFuture<Long> arrivedNanos) {
        return start(socket -> {
            socket.getInputStream().read();
            arrivedNanos.complete(System.nanoTime());
            socket.getOutputStream().write(1);
            socket.getInputStream().readAllBytes();
        });
    }

    /** {@code 127.0.0.1:<port>}, as a route's upstream. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** The ephemeral port it listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far. */
    public int acceptedConnections() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            sockets.add(socket);
            Thread thread = new Thread(() -> {
                try (socket) {
                    handler.handle(socket);
                } catch (SocketException e) {
                    // The client or the test went away; that is what many tests do on purpose.
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, "test-upstream-conn");
            threads.add(thread);
            thread.start();
        }
    }

    /** Stops listening (new connects are refused); the connections accepted so far go on. */
    void stopAccepting() throws Exception {
        server.close();
        acceptor.join(5000);
    }

    @Override
    public void close() throws Exception {
        server.close();
        acceptor.join(5000);
        for (Socket socket : sockets) {
            socket.close();
        }
        for (Thread thread : threads) {
            thread.join(5000);
        }
    }

    InetSocketAddress socketAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
    }
}
