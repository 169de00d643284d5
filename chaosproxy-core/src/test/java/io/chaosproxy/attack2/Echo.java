package io.chaosproxy.attack2;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A blocking echo upstream on an ephemeral loopback port (a thread per connection, FIN after the client's FIN),
 * and a client that streams a payload through a proxy and checks what comes back.
 */
final class Echo implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    Echo() {
        try {
            server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::acceptAll, "attack2-echo");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptAll() {
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
                    socket.getInputStream().transferTo(socket.getOutputStream());
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // the proxy cut the connection: what some attacks do on purpose
                }
            }, "attack2-echo-conn");
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
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

    /** What came back: how many bytes, whether they were the payload, and how the stream ended. */
    record Result(long sent, long received, boolean intact, String ending) {
        boolean complete() {
            return intact && ending.equals("EOF");
        }
    }

    static byte[] payload(long seed, int size) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /**
     * Sends {@code payload} to {@code port}, FIN, and reads the echo to its end; gives up (ending "stalled") when
     * nothing arrives for {@code silenceMillis}.
     */
    static Result roundTrip(int port, byte[] payload, int silenceMillis) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(silenceMillis);
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    for (int at = 0; at < payload.length; at += 8192) {
                        out.write(payload, at, Math.min(8192, payload.length - at));
                    }
                    socket.shutdownOutput();
                } catch (IOException e) {
                    // the read side reports what happened
                }
            }, "attack2-writer");
            writer.setDaemon(true);
            writer.start();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16384];
            long received = 0;
            String ending;
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    digest.update(buffer, 0, n);
                    received += n;
                }
                ending = "EOF";
            } catch (SocketTimeoutException e) {
                ending = "stalled";
            } catch (IOException e) {
                ending = "reset";
            }
            socket.close();
            writer.join(5000);
            boolean intact = Arrays.equals(digest.digest(), MessageDigest.getInstance("SHA-256").digest(payload));
            return new Result(payload.length, received, intact, ending);
        }
    }
}
