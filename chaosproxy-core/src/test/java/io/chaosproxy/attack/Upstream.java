package io.chaosproxy.attack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A blocking test upstream on an ephemeral loopback port: a thread per connection; close() ends them all. */
final class Upstream implements AutoCloseable {
    @FunctionalInterface
    interface Handler {
        void handle(Socket socket) throws Exception;
    }

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private Upstream(Handler handler) {
        try {
            server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                Socket socket;
                try {
                    socket = server.accept();
                } catch (IOException e) {
                    return;
                }
                sockets.add(socket);
                Thread thread = new Thread(() -> {
                    try (socket) {
                        handler.handle(socket);
                    } catch (Exception e) {
                        // the proxy or the test went away: what most attacks do on purpose
                    }
                }, "attack-upstream-conn");
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }, "attack-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static Upstream start(Handler handler) {
        return new Upstream(handler);
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
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
}
