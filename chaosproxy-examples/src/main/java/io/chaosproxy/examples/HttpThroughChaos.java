package io.chaosproxy.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ProxyMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Shows an HTTP client with a retry policy getting through a slow, flaky network: a chaos-proxy route adds
 * {@value #LATENCY_MS} ms to every round trip and drops 30% of new connections.
 *
 * <pre>
 * HttpClient (retries) -> [route "api": dropRate 0.3, latency 200 ms] -> HttpServer "hello from upstream"
 * </pre>
 *
 * Every attempt opens a new TCP connection, so every attempt meets the drop decision: each attempt uses a new
 * client (an empty connection pool), and the server answers {@code Connection: close}, so no connection
 * outlives its exchange. A dropped connection reaches the client as an {@link IOException}; the policy retries
 * up to {@value #MAX_ATTEMPTS} attempts per call. {@code HttpThroughChaosTest} runs the same scenario.
 */
public final class HttpThroughChaos {
    /** The seed of the demo: with it, route "api" drops some of the demo's connections. */
    public static final long SEED = 42;
    /** How long the route holds each response, in milliseconds. */
    public static final long LATENCY_MS = 200;
    /** The most attempts one call makes before it gives up. */
    public static final int MAX_ATTEMPTS = 10;
    static final String BODY = "hello from upstream";

    /** One call: its attempts, and for a successful call the last attempt's duration and the body it got. */
    public record Call(int attempts, boolean succeeded, Duration elapsed, String body) {
    }

    /** What one run saw: every call, and the connections route "api" accepted and dropped, as the proxy counts them. */
    public record Result(List<Call> calls, long acceptedConnections, long droppedConnections) {
        /** Attempts that failed with an {@link IOException}, over every call. */
        public int failedAttempts() {
            return calls.stream().mapToInt(c -> c.succeeded() ? c.attempts() - 1 : c.attempts()).sum();
        }

        /** Attempts made, over every call. */
        public int attempts() {
            return calls.stream().mapToInt(Call::attempts).sum();
        }
    }

    private HttpThroughChaos() {
    }

    /** Makes five calls through a route with dropRate 0.3 and prints what each one took. */
    public static void main(String[] args) throws Exception {
        Result result = run(SEED, 0.3, 5);
        System.out.printf("route 'api': latency %d ms, dropRate 0.3, seed %d%n", LATENCY_MS, SEED);
        for (int i = 0; i < result.calls().size(); i++) {
            Call call = result.calls().get(i);
            String outcome = call.succeeded()
                    ? call.elapsed().toMillis() + " ms, body \"" + call.body() + "\""
                    : "gave up";
            System.out.printf("call %d: %d attempt(s), %s%n", i + 1, call.attempts(), outcome);
        }
        System.out.printf("attempts %d, failed %d, dropped by the proxy %d%n",
                result.attempts(), result.failedAttempts(), result.droppedConnections());
    }

    /**
     * Starts the upstream and a proxy route in front of it, makes {@code calls} calls through the route with
     * the retry policy, closes everything and returns what happened.
     */
    public static Result run(long seed, double dropRate, int calls) throws IOException, InterruptedException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", HttpThroughChaos::hello);
        server.start();
        ExecutorService clientThreads = Executors.newCachedThreadPool();
        try (ChaosProxy proxy = ChaosProxy.builder().seed(seed)
                .route(0, "127.0.0.1:" + server.getAddress().getPort()).name("api")
                .latency(Duration.ofMillis(LATENCY_MS)).dropRate(dropRate)
                .start()) {
            URI uri = URI.create("http://127.0.0.1:" + proxy.route("api").localPort() + "/hello");
            List<Call> done = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                done.add(callWithRetries(uri, clientThreads));
            }
            ProxyMetrics metrics = proxy.route("api").metrics();
            return new Result(List.copyOf(done), metrics.acceptedConnections(), metrics.droppedConnections());
        } finally {
            server.stop(0);
            clientThreads.shutdownNow();
        }
    }

    private static Call callWithRetries(URI uri, ExecutorService clientThreads) throws InterruptedException {
        // POST, not GET: the JDK client silently retries an idempotent request once when its connection closes
        // before the first response byte, which would hide drops from this policy and its count.
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            // A new client has an empty pool, so this attempt connects anew and can be dropped.
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).executor(clientThreads).build();
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                return new Call(attempt, true, Duration.ofNanos(System.nanoTime() - start), response.body());
            } catch (IOException dropped) {
                // The proxy closed the connection before the request reached the upstream: try again.
            }
        }
        return new Call(MAX_ATTEMPTS, false, Duration.ZERO, "");
    }

    private static void hello(HttpExchange exchange) throws IOException {
        byte[] body = BODY.getBytes(UTF_8);
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
