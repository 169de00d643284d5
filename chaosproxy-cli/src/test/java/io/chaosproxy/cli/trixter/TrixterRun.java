package io.chaosproxy.cli.trixter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chaosproxy.cli.Main;
import io.chaosproxy.cli.Main.Running;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The CLI run in-process in Trixter mode, as a Trixter user runs the binary, with an HTTP client in curl's place:
 * every request sends {@code Content-Type: application/json} as the README's curl commands do.
 */
final class TrixterRun implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Main main = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    private final HttpClient http = HttpClient.newHttpClient();
    private final CompletableFuture<Integer> exit;
    private final Running running;

    private TrixterRun(String... args) throws Exception {
        exit = io.chaosproxy.cli.Async.supplyAsync(() -> main.run(args));
        try {
            running = main.started().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the CLI did not start: " + err(), e);
        }
    }

    /** Runs the CLI with {@code args} until it is up. */
    static TrixterRun start(String... args) throws Exception {
        return new TrixterRun(args);
    }

    /** {@code --listen} and {@code --api} on ephemeral loopback ports, a shutdown timeout of 0, and {@code args}. */
    static TrixterRun to(String upstream, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--upstream", upstream,
                "--api", "127.0.0.1:0", "--shutdown-timeout", "0s"));
        all.addAll(List.of(args));
        return new TrixterRun(all.toArray(String[]::new));
    }

    Running running() {
        return running;
    }

    /** The port the route listens on. */
    int port() {
        return running.proxy().route(TrixterMode.ROUTE).localPort();
    }

    /** The base URL of Trixter's API. */
    String api() {
        return running.trixter().url();
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A client connected through the proxy, once the API lists its connection; returns it with its id. */
    Client connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port());
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        String downstream = "127.0.0.1:" + socket.getLocalPort();
        String[] id = new String[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            for (JsonNode status : connections()) {
                if (status.path("conn_info").path("downstream").asText().equals(downstream)) {
                    id[0] = status.path("conn_info").path("id").asText();
                    return true;
                }
            }
            return false;
        });
        return new Client(socket, id[0]);
    }

    /** A client socket and the id of its connection. */
    record Client(Socket socket, String id) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** {@code GET /connections}, checked to be a 200 JSON array. */
    JsonNode connections() {
        HttpResponse<String> response = get("/connections");
        assertThat(response.statusCode()).isEqualTo(200);
        try {
            JsonNode list = JSON.readTree(response.body());
            assertThat(list.isArray()).isTrue();
            return list;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(api() + path)).GET());
    }

    HttpResponse<String> post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(api() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> patch(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(api() + path)).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the CLI as a signal would, and checks that it exits 0. */
    @Override
    public void close() throws Exception {
        main.shutdown();
        assertThat(exit.get(30, TimeUnit.SECONDS)).as("exit code; stderr: %s", err()).isZero();
    }
}
