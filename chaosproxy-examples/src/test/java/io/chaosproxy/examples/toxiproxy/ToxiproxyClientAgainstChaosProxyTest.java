package io.chaosproxy.examples.toxiproxy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.cli.admin.AdminServer;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A suite written for Toxiproxy, moved off its container: Toxiproxy's own Java client
 * ({@code eu.rekawek.toxiproxy:toxiproxy-java}) drives chaos-proxy's admin API, started in the test JVM.
 *
 * <pre>
 * ToxiproxyClient -> AdminServer (in-process) -> ChaosProxy
 * HttpClient -> [proxy "http", made by the client] -> HttpServer
 * </pre>
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ToxiproxyClientAgainstChaosProxyTest {
    private static HttpServer upstream;
    private static ChaosProxy chaos;
    private static AdminServer admin;
    private static ToxiproxyClient toxiproxy;
    private static Proxy proxy;
    private static URI uri;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", ToxiproxyClientAgainstChaosProxyTest::hello);
        upstream.start();

        chaos = ChaosProxy.builder().allowNoRoutes().seed(42).shutdownTimeout(Duration.ZERO).start();
        admin = AdminServer.start(chaos, new InetSocketAddress("127.0.0.1", 0));
        // The one line that differs from a Testcontainers suite, where host and port are the container's:
        //   new ToxiproxyClient(container.getHost(), container.getControlPort())
        toxiproxy = new ToxiproxyClient("127.0.0.1", admin.address().getPort());

        // In a container the proxy listens on a fixed port you map; here on an ephemeral loopback port that
        // getListen() reports, so nothing needs mapping.
        proxy = toxiproxy.createProxy("http", "127.0.0.1:0", "127.0.0.1:" + upstream.getAddress().getPort());
        String listen = proxy.getListen();
        uri = URI.create("http://127.0.0.1:" + listen.substring(listen.lastIndexOf(':') + 1) + "/");
    }

    @AfterAll
    static void stop() {
        admin.close();
        chaos.close();
        upstream.stop(0);
    }

    @AfterEach
    void resetToxics() throws IOException {
        toxiproxy.reset();                                    // what a Toxiproxy suite calls between tests
    }

    @Test
    void aLatencyToxicSlowsEveryResponseUntilItIsRemoved() throws Exception {
        Toxic slow = proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 200);

        assertThat(proxy.toxics().getAll()).extracting(Toxic::getName).containsExactly("slow");
        // The client's toxic is a chaos-proxy fault underneath.
        assertThat(chaos.route("http").faults()).containsExactly(Fault.latency(Duration.ofMillis(200)).named("slow"));
        long slowMillis = timeOneRequest();
        assertThat(slowMillis).isGreaterThanOrEqualTo(200);

        slow.remove();
        assertThat(proxy.toxics().getAll()).isEmpty();
        long fastMillis = timeOneRequest();
        System.out.println("toxiproxy client: a request took " + slowMillis + " ms with latency 200, "
                + fastMillis + " ms after remove()");
    }

    @Test
    void aTimeoutToxicHoldsTheResponseUntilTheRequestTimesOut() throws Exception {
        // timeout 0: no data passes, and the connection stays open, until the toxic is removed.
        Toxic blackhole = proxy.toxics().timeout("blackhole", ToxicDirection.DOWNSTREAM, 0);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(500)).build();

        long start = System.nanoTime();
        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(HttpTimeoutException.class);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("toxiproxy client: request timeout of 500 ms fired after " + millis + " ms");
        assertThat(millis).isBetween(500L, 3_000L);

        blackhole.remove();
        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("hello");
    }

    @Test
    void aResetPeerToxicResetsEveryConnection() throws Exception {
        proxy.toxics().resetPeer("reset", ToxicDirection.DOWNSTREAM, 0);

        assertThat(proxy.toxics().get("reset").getStream()).isEqualTo(ToxicDirection.DOWNSTREAM);
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        assertThat(chaos.route("http").metrics().faultsInjected()).containsKey("reset_peer");
    }

    private long timeOneRequest() throws IOException, InterruptedException {
        long start = System.nanoTime();
        assertThat(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body())
                .isEqualTo("hello");
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static void hello(HttpExchange exchange) throws IOException {
        byte[] body = "hello".getBytes(UTF_8);
        exchange.getRequestBody().readAllBytes();
        // Each request on a new connection: none carries over from one test to the next.
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
