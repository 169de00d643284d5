package io.chaosproxy.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.junit5.ChaosRoute;
import io.chaosproxy.junit5.ChaosSeed;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The JDK {@link HttpClient} through a route that {@code @ChaosRoute} puts in front of a JDK {@link HttpServer}:
 * latency on every request, a request timeout under the {@code timeout} fault, a retry policy under dropped
 * connections, and what keep-alive does to a drop rate.
 *
 * <pre>
 * HttpClient -> [@ChaosRoute "api"] -> HttpServer on an ephemeral port, started in @BeforeAll
 * </pre>
 *
 * The routes are on the methods, so that each test counts only its own connections ({@code CatalogClientTest}
 * shows a class route to an upstream that {@code @BeforeAll} starts).
 */
@ChaosSeed(42)                                      // each method's proxy: the same drops, run after run
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JdkHttpClientThroughChaosRouteTest {
    private static HttpServer upstream;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void startUpstream() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/hello", exchange -> answer(exchange, false));
        // Answers "Connection: close": the client opens a new connection for every request.
        upstream.createContext("/close", exchange -> answer(exchange, true));
        upstream.start();
        // Read by ${http.port} when each method's route starts.
        System.setProperty("http.port", String.valueOf(upstream.getAddress().getPort()));
    }

    @AfterAll
    static void stopUpstream() {
        System.clearProperty("http.port");
        upstream.stop(0);
    }

    @AfterEach
    void closeClient(Route api) throws Exception {
        // HttpClient is AutoCloseable from JDK 21 on; on 17 its threads end when it is garbage collected, and its
        // pool keeps its connections: cut them, or the route would wait for them when it stops after the test.
        if ((Object) client instanceof AutoCloseable closeable) {
            closeable.close();
        }
        api.closeConnections();
    }

    @Test
    @ChaosRoute(name = "api", upstream = "127.0.0.1:${http.port}", latency = "200ms")
    void everyRequestPaysTheLatency(Route api) throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            assertThat(client.send(get(api, "/hello"), HttpResponse.BodyHandlers.ofString()).body())
                    .isEqualTo("hello");
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
        System.out.println("http: 3 requests through 200ms latency took " + millis + " ms");

        assertThat(millis).allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(200));
        // Latency holds each chunk, not each connection: the three requests shared one kept-alive connection.
        assertThat(api.metrics().acceptedConnections()).isOne();
    }

    @Test
    @ChaosRoute(name = "api", upstream = "127.0.0.1:${http.port}")
    void aRequestTimeoutFiresWhileTheTimeoutFaultHoldsTheResponse(Route api) throws Exception {
        // The annotation has no timeout attribute: add the fault on the injected route (undone after the test).
        // A zero timeout is a blackhole until the fault is removed.
        api.addFault(Fault.timeout(Duration.ZERO));
        HttpRequest request = HttpRequest.newBuilder(uri(api, "/hello")).timeout(Duration.ofMillis(500)).build();

        long start = System.nanoTime();
        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("http: request timeout of 500 ms fired after " + millis + " ms");
        assertThat(millis).isBetween(500L, 3_000L);

        // The client gave up that connection; with the blackhole gone, the same request gets through.
        api.clearFaults();
        assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hello");
    }

    @Test
    @ChaosRoute(name = "api", upstream = "127.0.0.1:${http.port}", dropRate = 0.3)
    void aRetryPolicyGetsEveryCallThroughDroppedConnections(Route api) throws Exception {
        // POST, not GET: the JDK client itself retries an idempotent request once when its connection closes
        // before the first response byte, which would hide some drops from this policy and its count.
        HttpRequest post = HttpRequest.newBuilder(uri(api, "/close")).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        int calls = 10;
        int attempts = 0;
        for (int i = 0; i < calls; i++) {
            attempts += callWithRetries(post, 10);
        }
        long dropped = api.metrics().droppedConnections();
        System.out.println("http: " + calls + " calls under dropRate 0.3 took " + attempts + " attempts, "
                + dropped + " connections dropped");

        // Every failed attempt is one connection the proxy dropped, and each attempt was a new connection.
        assertThat(dropped).isPositive().isEqualTo(attempts - calls);
        assertThat(api.metrics().acceptedConnections()).isEqualTo(attempts);
    }

    @Test
    @ChaosRoute(name = "api", upstream = "127.0.0.1:${http.port}")
    void aDropRateSparesAKeptAliveConnectionUntilItIsClosed(Route api) throws Exception {
        HttpRequest hello = get(api, "/hello");
        client.send(hello, HttpResponse.BodyHandlers.ofString());           // the connection the client pools

        // Drop decides once per connection, when it is accepted: the pooled one has passed that point.
        api.addFault(Fault.drop(1.0));
        for (int i = 0; i < 3; i++) {
            assertThat(client.send(hello, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hello");
        }
        assertThat(api.metrics().acceptedConnections()).isOne();
        assertThat(api.metrics().droppedConnections()).isZero();

        // Cutting the pooled connection forces a new one, which meets the drop. A GET may cost two: the JDK client
        // retries it once on a new connection when its connection closes before answering (and if it sent on the
        // cut connection before noticing the cut, that retry is the one new connection).
        api.closeConnections();
        await().until(() -> api.connections().isEmpty());
        assertThatThrownBy(() -> client.send(hello, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        long dropped = api.metrics().droppedConnections();
        assertThat(dropped).isBetween(1L, 2L);
        assertThat(api.metrics().acceptedConnections()).as("every new connection dropped").isEqualTo(1 + dropped);

        api.clearFaults();
        assertThat(client.send(hello, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hello");
        System.out.println("http: keep-alive under drop 1.0: " + api.metrics().acceptedConnections()
                + " connections accepted, " + api.metrics().droppedConnections() + " dropped");
        assertThat(api.metrics().acceptedConnections()).isEqualTo(2 + dropped);
    }

    /** Sends the request until it gets a response, at most {@code maxAttempts} times; returns the attempts made. */
    private int callWithRetries(HttpRequest request, int maxAttempts) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                assertThat(client.send(request, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hello");
                return attempt;
            } catch (IOException dropped) {
                // The proxy closed the connection before the request reached the upstream: try again.
                assertThat(attempt).as("attempts").isLessThan(maxAttempts);
            }
        }
    }

    private static HttpRequest get(Route api, String path) {
        return HttpRequest.newBuilder(uri(api, path)).timeout(Duration.ofSeconds(5)).build();
    }

    private static URI uri(Route api, String path) {
        return URI.create("http://127.0.0.1:" + api.localPort() + path);
    }

    private static void answer(HttpExchange exchange, boolean close) throws IOException {
        byte[] body = "hello".getBytes(UTF_8);
        exchange.getRequestBody().readAllBytes();
        if (close) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
