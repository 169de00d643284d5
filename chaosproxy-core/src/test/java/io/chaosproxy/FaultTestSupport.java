package io.chaosproxy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** Shared bits of the real-socket fault tests: seeded payloads, checksums, clocks and simple upstreams. */
final class FaultTestSupport {
    private FaultTestSupport() {
    }

    /** Something a test does on its own thread. */
    @FunctionalInterface
    interface IoAction {
        void run() throws Exception;
    }

    /** {@code size} pseudo-random bytes, the same for the same seed. */
    static byte[] payload(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] data) {
        return HexFormat.of().formatHex(Sockets.sha256().digest(data));
    }

    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Runs {@code action} on a new daemon thread; the future ends with it (exceptionally if it throws). */
    static CompletableFuture<Void> inBackground(String name, IoAction action) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                action.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    /** Writes {@code data} from another thread and half-closes, while this one reads everything that comes back. */
    static byte[] sendAndReadAll(Socket client, byte[] data) throws Exception {
        CompletableFuture<Void> sent = inBackground("test-client-writer", () -> {
            client.getOutputStream().write(data);
            client.shutdownOutput();
        });
        byte[] received = client.getInputStream().readAllBytes();
        sent.get(20, TimeUnit.SECONDS);
        return received;
    }

    /**
     * An upstream that writes {@code data} to each connection, then half-closes if {@code close} (else keeps its
     * side open), and reads until the client goes away.
     */
    static TcpServer sender(byte[] data, boolean close) {
        return TcpServer.start(socket -> {
            socket.getOutputStream().write(data);
            if (close) {
                socket.shutdownOutput();
            }
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        });
    }

    /** An upstream that reads each connection to its end, counting as it goes, and hands over what it read. */
    static TcpServer receiver(CompletableFuture<byte[]> received, AtomicLong count) {
        return TcpServer.start(socket -> {
            InputStream in = socket.getInputStream();
            var all = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            int n;
            try {
                while ((n = in.read(buffer)) >= 0) {
                    all.write(buffer, 0, n);
                    count.addAndGet(n);
                }
            } catch (IOException e) {
                received.completeExceptionally(e);
                throw e;
            }
            received.complete(all.toByteArray());
        });
    }
}
