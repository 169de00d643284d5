package io.chaosproxy.examples.redis;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code redis-server} as a child process on a free loopback port, with nothing persisted. Closing it stops
 * the process and waits for it to end.
 */
final class RedisServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;

    private RedisServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The {@code redis-server} on the PATH, if there is one. */
    static Optional<Path> findBinary() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "redis-server"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /**
     * Starts {@code binary} on a free port. Redis refuses {@code --port 0}, so the port is one the kernel just
     * handed out and took back; should another process take it first, redis-server exits and we try another.
     */
    static RedisServerProcess start(Path binary) throws IOException {
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Process process = new ProcessBuilder(binary.toString(), "--port", String.valueOf(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            RedisServerProcess redis = new RedisServerProcess(process, port);
            await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive() || answersPing(port));
            if (process.isAlive()) {
                return redis;
            }
            if (attempt == 3) {
                throw new IOException("redis-server exited with " + process.exitValue() + " three times");
            }
        }
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();                                            // SIGTERM: redis-server exits at once
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Whether a Redis answers on the port: a port that merely accepts might be someone else's. */
    private static boolean answersPing(int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(1_000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readNBytes(7), StandardCharsets.US_ASCII).equals("+PONG\r\n");
        } catch (IOException notYet) {
            return false;
        }
    }
}
