package io.chaosproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Collectors;

/** Client-side helpers for tests. */
public final class Sockets {
    /** What one direction of one connection with one fault may pin above the high-water mark (see Pipe). */
    static final long PIPE_SLACK = 256 * 1024;   // the README's bound: the high-water mark plus 256 KiB

    private Sockets() {
    }

    /** A loopback connection to {@code port} whose reads give up after 20 s. */
    public static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000);   // a hang fails the test instead of blocking it
        return socket;
    }

    static Socket connect(Route route) throws IOException {
        return connect(route.localPort());
    }

    static String readAll(Socket socket) throws IOException {
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Reads to EOF and returns the count and SHA-256 of what was read. */
    public static Digest digest(InputStream in) throws IOException {
        MessageDigest sha = sha256();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sha.update(buffer, 0, n);
            total += n;
        }
        return new Digest(total, HexFormat.of().formatHex(sha.digest()));
    }

    /** Writes the payload and half-closes: for a {@code CompletableFuture.runAsync} beside the reading thread. */
    static void writeAndHalfClose(Socket socket, byte[] payload) {
        try {
            socket.getOutputStream().write(payload);
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A port that was free a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the port can be bound on loopback right now. */
    static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The names of live threads that belong to a proxy ({@code chaos-proxy*}). */
    public static Set<String> proxyThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("chaos-proxy"))
                .collect(Collectors.toSet());
    }

    /** How many bytes were read, and their SHA-256 in hex. */
    public record Digest(long bytes, String sha256) {
    }
}
