package io.chaosproxy.reliability;

import io.chaosproxy.Sockets;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One end of a two-way transfer: sends {@code bytes} seeded pseudo-random bytes (then half-closes) while it reads
 * whatever comes to EOF, each on its own thread, and hashes both with SHA-256. A whole stream is never held in
 * memory, so a transfer can be any size.
 */
final class Duplex {
    private static final int BUFFER_SIZE = 64 * 1024;

    /** The SHA-256 of everything sent, once the stream is written and half-closed. */
    final CompletableFuture<String> sent = new CompletableFuture<>();
    /** The count and SHA-256 of everything read, at EOF. */
    final CompletableFuture<Sockets.Digest> received = new CompletableFuture<>();
    /** Done once {@code milestone} bytes have been read. */
    final CompletableFuture<Void> milestoneReached = new CompletableFuture<>();
    /** Bytes read so far. */
    final AtomicLong receivedSoFar = new AtomicLong();

    private Duplex() {
    }

    /** Starts sending and reading on {@code socket}; {@code name} names the two threads. */
    static Duplex start(Socket socket, long bytes, long seed, long milestone, String name) {
        Duplex duplex = new Duplex();
        daemon(name + "-writer", () -> {
            try {
                duplex.sent.complete(send(socket, bytes, seed));
            } catch (Throwable e) {
                duplex.sent.completeExceptionally(e);
            }
        });
        daemon(name + "-reader", () -> {
            try {
                duplex.received.complete(duplex.read(socket.getInputStream(), milestone));
            } catch (Throwable e) {
                duplex.received.completeExceptionally(e);
            }
        });
        return duplex;
    }

    private static String send(Socket socket, long bytes, long seed) throws IOException {
        MessageDigest sha = Sockets.sha256();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buffer = new byte[BUFFER_SIZE];
        OutputStream out = socket.getOutputStream();
        for (long left = bytes; left > 0; ) {
            int n = (int) Math.min(buffer.length, left);
            random.nextBytes(buffer);
            sha.update(buffer, 0, n);
            out.write(buffer, 0, n);
            left -= n;
        }
        socket.shutdownOutput();
        return HexFormat.of().formatHex(sha.digest());
    }

    private Sockets.Digest read(InputStream in, long milestone) throws IOException {
        MessageDigest sha = Sockets.sha256();
        byte[] buffer = new byte[BUFFER_SIZE];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            sha.update(buffer, 0, n);
            total = receivedSoFar.addAndGet(n);
            if (total >= milestone) {
                milestoneReached.complete(null);
            }
        }
        return new Sockets.Digest(total, HexFormat.of().formatHex(sha.digest()));
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }
}
