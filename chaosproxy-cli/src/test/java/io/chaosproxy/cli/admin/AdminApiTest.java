package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.ChaosProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The admin API over raw HTTP: status codes, shapes, bad requests, populate, our extra endpoints and types. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminApiTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private EchoServer upstream;
    private ChaosProxy chaos;
    private AdminServer admin;

    @BeforeEach
    void start() throws IOException {
        upstream = new EchoServer();
        chaos = ChaosProxy.builder().allowNoRoutes().seed(7).shutdownTimeout(Duration.ZERO).start();
        admin = AdminServer.start(chaos, new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterEach
    void stop() throws IOException {
        admin.close();
        chaos.close();
        upstream.close();
    }

    private record Answer(int status, String body, JsonNode json) {
    }

    private Answer call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(admin.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = response.body().isEmpty() ? null : Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            // not JSON (metrics)
        }
        return new Answer(response.statusCode(), response.body(), json);
    }

    private int createEcho() throws Exception {
        Answer created = call("POST", "/proxies", "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + upstream.address() + "\"}");
        assertThat(created.status()).isEqualTo(201);
        return Conn.portOf(created.json().get("listen").asText());
    }

    @Test
    void shapesAndStatusCodesAreToxiproxys() throws Exception {
        assertThat(call("GET", "/proxies", null).body()).isEqualTo("{}\n");
        createEcho();
        Answer all = call("GET", "/proxies", null);
        assertThat(all.json().get("echo").get("toxics").isArray()).isTrue();
        assertThat(all.json().get("echo").get("enabled").asBoolean()).isTrue();
        Answer toxic = call("POST", "/proxies/echo/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":5}}");
        assertThat(toxic.status()).isEqualTo(200);   // not 201
        assertThat(toxic.json().get("name").asText()).isEqualTo("latency_downstream");
        assertThat(toxic.json().get("stream").asText()).isEqualTo("downstream");
        assertThat(toxic.json().get("toxicity").asDouble()).isEqualTo(1.0);
        assertThat(toxic.json().get("attributes").get("jitter").asLong()).isZero();
        Answer patched = call("PATCH", "/proxies/echo/toxics/latency_downstream", "{\"attributes\":{\"jitter\":2}}");
        assertThat(patched.json().get("attributes").get("latency").asLong()).isEqualTo(5);
        assertThat(patched.json().get("attributes").get("jitter").asLong()).isEqualTo(2);
        assertThat(call("POST", "/proxies/echo/toxics", "{\"type\":\"latency\"}").json().get("error").asText())
                .isEqualTo("toxic already exists");
        assertThat(call("GET", "/proxies/nope", null).json().get("status").asInt()).isEqualTo(404);
        assertThat(call("GET", "/proxies/echo/toxics/nope", null).status()).isEqualTo(404);
        assertThat(call("DELETE", "/proxies/echo/toxics/latency_downstream", null).status()).isEqualTo(204);
        assertThat(call("DELETE", "/proxies/echo", null).status()).isEqualTo(204);
        assertThat(call("DELETE", "/proxies/echo", null).status()).isEqualTo(404);
        assertThat(call("GET", "/nowhere", null).status()).isEqualTo(404);
        assertThat(call("PUT", "/proxies", "{}").status()).isEqualTo(405);
        assertThat(call("POST", "/reset", null).status()).isEqualTo(204);
        assertThat(call("GET", "/version", null).json().get("version").asText()).isEqualTo("2.12.0");
        assertThat(call("GET", "/health", null).status()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/proxies | {\"name\":\"x\",\"upstream\": | bad request body",
        "/proxies | {\"name\":\"x\",\"upstream\":\"127.0.0.1:9\",\"lisen\":\"x\"} | lisen is not a known field",
        "/proxies | {\"name\":5,\"upstream\":\"127.0.0.1:9\"} | expected a string",
        "/proxies | {\"name\":\"x\"} | missing required field: upstream",
        "/proxies | {\"name\":\"x\",\"upstream\":\"nocolon\"} | nocolon",
        "/proxies | {\"name\":\"x\",\"upstream\":\"127.0.0.1:9\",\"listen\":\"127.0.0.1:70000\"} | 0..65535",
        "/proxies | [] | expected a JSON object",
        "/proxies/echo/toxics | {\"type\":\"latency\",\"toxicity\":1.5} | outside 0.0..1.0",
        "/proxies/echo/toxics | {\"type\":\"latency\",\"attributes\":{\"latency\":-1}} | latency",
        "/proxies/echo/toxics | {\"type\":\"latency\",\"attributes\":{\"latncy\":10}} | latncy is not an attribute",
        "/proxies/echo/toxics | {\"type\":\"latency\",\"attributes\":{\"latency\":\"10\"}} | expected a whole number",
        "/proxies/echo/toxics | {\"type\":\"latency\",\"stream\":\"sideways\"} | stream was invalid",
        "/proxies/echo/toxics | {\"type\":\"lag\"} | invalid toxic type",
        "/proxies/echo/toxics | {\"type\":\"corrupt\",\"attributes\":{\"probability\":2}} | corrupt",
        "/proxies/echo/toxics/none | {} | toxic not found",
        "/populate | {} | expected an array",
        "/populate | [{\"name\":\"a\",\"upstream\":\"127.0.0.1:9\"},{\"name\":\"b\"}] | upstream at proxy 1",
    })
    void badRequestsAre400sAndChangeNothing(String path, String body, String message) throws Exception {
        createEcho();
        String before = call("GET", "/proxies", null).body();
        Answer answer = call("POST", path, body);
        assertThat(answer.status()).isIn(400, 404);
        assertThat(answer.json().get("error").asText()).contains(message);
        assertThat(answer.json().get("status").asInt()).isEqualTo(answer.status());
        assertThat(call("GET", "/proxies", null).body()).isEqualTo(before);
    }

    @Test
    void browsersAreTurnedAway() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(admin.url() + "/proxies"))
                .header("User-Agent", "Mozilla/5.0").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    }

    @Test
    void populateCreatesProxiesWithToxicsInOneCall() throws Exception {
        Answer answer = call("POST", "/populate", "[{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + upstream.address() + "\",\"toxics\":[{\"type\":\"latency\",\"attributes\":{\"latency\":300}}]},"
                + "{\"name\":\"b\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + upstream.address()
                + "\",\"enabled\":false}]");
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("proxies")).hasSize(2);
        int port = Conn.portOf(answer.json().get("proxies").get(0).get("listen").asText());
        try (Conn conn = new Conn(port)) {
            assertThat(conn.roundTrip("p")).isGreaterThanOrEqualTo(280);
        }
        assertThat(call("GET", "/proxies/b", null).json().get("enabled").asBoolean()).isFalse();
    }

    @Test
    void populateIsUndoneWhenAnEntryFailsToStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Answer answer = call("POST", "/populate", "[{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                    + upstream.address() + "\"},{\"name\":\"b\",\"listen\":\"127.0.0.1:" + taken.getLocalPort()
                    + "\",\"upstream\":\"" + upstream.address() + "\"}]");
            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.json().get("error").asText()).contains(Integer.toString(taken.getLocalPort()));
        }
        assertThat(call("GET", "/proxies", null).body()).isEqualTo("{}\n");
    }

    @Test
    void extraToxicTypesWork() throws Exception {
        int port = createEcho();
        for (String type : new String[] {"terminate", "loss", "max_lifetime", "connect_delay", "drop"}) {
            String attributes = type.equals("max_lifetime") ? "{\"lifetime\":60000}" : "{}";
            assertThat(call("POST", "/proxies/echo/toxics", "{\"type\":\"" + type + "\",\"stream\":\"both\","
                    + "\"attributes\":" + attributes + "}").status()).as(type).isEqualTo(200);
        }
        assertThat(call("POST", "/reset", null).status()).isEqualTo(204);
        call("POST", "/proxies/echo/toxics", "{\"type\":\"corrupt\",\"attributes\":{\"probability\":1.0}}");
        try (Conn conn = new Conn(port)) {
            conn.send("0123456789");
            assertThat(conn.read(10)).hasSize(10).isNotEqualTo("0123456789");
        }
    }

    @Test
    void connectionsAreListedAndClosedAndMetricsCountThem() throws Exception {
        int port = createEcho();
        try (Conn conn = new Conn(port)) {
            conn.roundTrip("hello");
            JsonNode list = call("GET", "/connections", null).json();
            assertThat(list).hasSize(1);
            assertThat(list.get(0).get("proxy").asText()).isEqualTo("echo");
            assertThat(list.get(0).get("bytes_downstream").asLong()).isEqualTo(5);
            String metrics = call("GET", "/metrics", null).body();
            assertThat(metrics).contains("chaosproxy_connections_accepted_total{proxy=\"echo\"} 1",
                    "chaosproxy_bytes_total{direction=\"downstream\",proxy=\"echo\"} 5", "chaosproxy_uptime_seconds");
            long id = list.get(0).get("id").asLong();
            assertThat(call("POST", "/connections/" + id + "/close", null).status()).isEqualTo(204);
            assertThat(conn.millisToEnd()).isNotNull();
            await().untilAsserted(() -> assertThat(call("GET", "/connections", null).json()).isEmpty());
            assertThat(call("POST", "/connections/" + id + "/close", null).status()).isEqualTo(404);
        }
    }
}
