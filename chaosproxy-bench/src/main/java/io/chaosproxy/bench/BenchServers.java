package io.chaosproxy.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Loopback upstreams for the in-process benchmarks: a thread per served connection, closed with the server. */
final class BenchServers implements AutoCloseable {

    /** What the upstream does with one connection. */
    interface Handler {
        void handle(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private BenchServers(Handler handler) {
        try {
            server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    sockets.add(socket);
                    if (handler == null) {
                        continue;   // held, not served: no thread whose heap would blur a measurement
                    }
                    Thread worker = new Thread(() -> {
                        try (socket) {
                            handler.handle(socket);
                        } catch (IOException ignored) {
                            // the benchmark closed its side
                        }
                    }, "bench-upstream");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "bench-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Echoes every byte. */
    static BenchServers echo() {
        return new BenchServers(socket -> {
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
        });
    }

    /** Reads an 8-byte length, sends that many bytes, closes. */
    static BenchServers source() {
        return new BenchServers(socket -> {
            long size = new java.io.DataInputStream(socket.getInputStream()).readLong();
            OutputStream out = socket.getOutputStream();
            byte[] block = new byte[64 * 1024];
            for (long left = size; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        });
    }

    /** Accepts each connection and holds it, without a thread, until the server closes. */
    static BenchServers hold() {
        return new BenchServers(null);
    }

    int port() {
        return server.getLocalPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
