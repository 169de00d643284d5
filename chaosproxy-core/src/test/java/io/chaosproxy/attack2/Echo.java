package io.chaosproxy.attack2;

import io.chaosproxy.TcpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;

/**
 * An echo upstream ({@link TcpServer#echo()}: FIN after the client's FIN), and a client that streams a payload
 * through a proxy and checks what comes back.
 */
final class Echo implements AutoCloseable {
    private final TcpServer server = TcpServer.echo();

    String address() {
        return server.address();
    }

    @Override
    public void close() throws Exception {
        server.close();
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
