package io.chaosproxy.cli.trixter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** An upstream for tests: serves each connection on a thread of its own with a handler; closes everything. */
final class Upstream implements AutoCloseable {
    /** What the upstream does with one connection. */
    interface Handler {
        void serve(Socket socket) throws IOException;
    }

    private final ServerSocket server;
    private final Handler handler;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private Upstream(Handler handler) throws IOException {
        this.handler = handler;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "test-upstream-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Echoes every byte back, and half-closes when the client does. */
    static Upstream echo() throws IOException {
        return new Upstream(socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
            socket.shutdownOutput();
        });
    }

    /** Echoes every byte back until the connection ends, then completes {@code end} with "fin" or "reset". */
    static Upstream echoesUntilEnd(CompletableFuture<String> end) throws IOException {
        return new Upstream(socket -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = socket.getInputStream().read(buffer)) >= 0) {
                    socket.getOutputStream().write(buffer, 0, n);
                }
                end.complete("fin");
            } catch (java.net.SocketException e) {
                end.complete("reset");
            }
        });
    }

    /** Waits for one byte from the client, then writes {@code data} in one write and half-closes. */
    static Upstream sendsOnRequest(byte[] data) throws IOException {
        return new Upstream(socket -> {
            if (socket.getInputStream().read() < 0) {
                return;
            }
            socket.getOutputStream().write(data);
            socket.shutdownOutput();
            socket.getInputStream().readAllBytes();
        });
    }

    /** Reads everything the client sends up to its end (or a reset) into {@code received}, then closes. */
    static Upstream measures(CompletableFuture<Transfer> received) throws IOException {
        return new Upstream(socket -> received.complete(Transfer.read(socket.getInputStream())));
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            sockets.add(socket);
            Thread serving = new Thread(() -> {
                try (socket) {
                    handler.serve(socket);
                } catch (IOException e) {
                    // the proxy reset or closed it: part of what the tests do
                }
            }, "test-upstream-conn");
            serving.setDaemon(true);
            serving.start();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
