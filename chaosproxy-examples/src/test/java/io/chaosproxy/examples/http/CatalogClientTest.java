package io.chaosproxy.examples.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.chaosproxy.Route;
import io.chaosproxy.junit5.ChaosRoute;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A class-level {@code @ChaosRoute} to an upstream the test class starts itself, as the README's JUnit section
 * shows it: {@code ${api.port}} is set in {@code @BeforeAll}, and the class's proxy waits for it until the first
 * test (it would otherwise start before {@code @BeforeAll}, with nothing to point at).
 */
@ChaosRoute(name = "api", upstream = "127.0.0.1:${api.port}", latency = "50ms")
class CatalogClientTest {
    static HttpServer server;

    @BeforeAll
    static void startUpstream() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "catalog".getBytes(UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        System.setProperty("api.port", String.valueOf(server.getAddress().getPort()));
    }

    @AfterAll
    static void stopUpstream() {
        server.stop(0);
        System.clearProperty("api.port");
    }

    @Test
    void answersThroughASlowLink(Route api) throws Exception {   // the proxy started just before this test
        URI uri = URI.create("http://127.0.0.1:" + api.localPort() + "/");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        long start = System.nanoTime();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(response.body()).isEqualTo("catalog");
        assertThat(millis).as("the route's 50 ms latency").isGreaterThanOrEqualTo(50);
        assertThat(api.metrics().acceptedConnections()).isOne();
        api.closeConnections();   // the client's pool keeps its connection; the proxy would wait for it at the end
    }
}
