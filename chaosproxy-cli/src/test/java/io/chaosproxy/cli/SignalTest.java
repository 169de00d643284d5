package io.chaosproxy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as its own process, stopped by real signals. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignalTest {
    private static final Pattern LISTENING = Pattern.compile("route (\\S+) listening on 127\\.0\\.0\\.1:(\\d+) ");
    private static final int SIZE = 1 << 20;

    @TempDir
    Path dir;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    @AfterEach
    void cleanUp() throws Exception {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
    }

    @Test
    void aSignalLetsTheTransferInFlightFinishThenExitsZero() throws Exception {
        // The upstream sends 64 KiB, waits until the CLI has had its signal, then sends the rest and closes:
        // so the transfer is surely in flight when the signal arrives.
        CountDownLatch signalled = new CountDownLatch(1);
        ServerSocket upstream = serve(socket -> {
            OutputStream out = socket.getOutputStream();
            byte[] piece = new byte[64 * 1024];
            out.write(piece);
            out.flush();
            assertThat(signalled.await(20, TimeUnit.SECONDS)).isTrue();
            for (int i = 1; i < SIZE / piece.length; i++) {
                out.write(piece);
            }
        });
        int port = startCli(upstream.getLocalPort(), "10s");
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            client.setSoTimeout(20_000);
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[8192];
            long total = in.read(buffer);
            assertThat(total).isPositive();

            sigterm();   // while the transfer is under way
            awaitLine("stopping");
            signalled.countDown();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
            }
            assertThat(total).isEqualTo(SIZE);
        }
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
    }

    @Test
    void aSecondSignalExitsAtOnceWithoutWaitingForTheShutdownTimeout() throws Exception {
        ServerSocket upstream = serve(socket -> socket.getInputStream().transferTo(OutputStream.nullOutputStream()));
        int port = startCli(upstream.getLocalPort(), "60s");
        try (Socket idle = new Socket(InetAddress.getLoopbackAddress(), port)) {
            idle.getOutputStream().write(1);   // a live connection the graceful stop would wait a minute for
            sigterm();
            awaitLine("stopping");
            long start = System.nanoTime();
            sigterm();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(10);
            assertThat(process.exitValue()).isEqualTo(128 + 15);   // SIGTERM's number
        }
    }

    /** Sends SIGTERM with kill(1): Process.destroy() would also close the streams this test reads. */
    private void sigterm() throws Exception {
        Process kill = new ProcessBuilder("kill", "-TERM", String.valueOf(process.pid())).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    /** Starts the CLI with one route to the upstream; returns the route's port, read from what it prints. */
    private int startCli(int upstreamPort, String shutdownTimeout) throws Exception {
        Path config = dir.resolve("routes.json");
        Files.writeString(config, "{\"routes\":[{\"name\":\"up\",\"localPort\":0,\"upstream\":\"127.0.0.1:"
                + upstreamPort + "\"}]}");
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--config", config.toString(), "--no-admin", "--shutdown-timeout", shutdownTimeout)
                .redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ended) {
                // the process is gone
            }
        }, "cli-output");
        reader.setDaemon(true);
        reader.start();
        Matcher listening = LISTENING.matcher(awaitLine("listening on"));
        assertThat(listening.find()).isTrue();
        return Integer.parseInt(listening.group(2));
    }

    private String awaitLine(String containing) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> seen = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                if (line.contains(containing)) {
                    return line;
                }
            }
        }
        throw new AssertionError("the CLI never printed \"" + containing + "\"; it printed " + seen
                + (process.isAlive() ? "" : " and exited with " + process.exitValue()));
    }

    private interface Handler {
        void handle(Socket socket) throws Exception;
    }

    private ServerSocket serve(Handler handler) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        opened.add(server);
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    opened.add(socket);
                    Thread worker = new Thread(() -> {
                        try (socket) {
                            handler.handle(socket);
                        } catch (Exception ignored) {
                            // the test closed its side
                        }
                    }, "upstream-conn");
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException closed) {
                    return;
                }
            }
        }, "upstream-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }
}
