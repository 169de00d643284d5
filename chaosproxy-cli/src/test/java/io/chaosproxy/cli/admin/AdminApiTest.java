package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.cli.admin.AdminClient.Answer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The admin API over raw HTTP: status codes, shapes, bad requests, populate, our extra endpoints and types. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminApiTest extends AdminServerFixture {

    private Answer call(String method, String path, String body) throws Exception {
        return api.call(method, path, body);
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
        "/proxies | {\"name\":\"x\",\"upstream\": | 400 | bad request body",
        "/proxies | {\"name\":\"x\",\"upstream\":\"127.0.0.1:9\",\"lisen\":\"x\"} | 400 | lisen is not a known field",
        "/proxies | {\"name\":5,\"upstream\":\"127.0.0.1:9\"} | 400 | expected a string",
        "/proxies | {\"name\":\"x\",\"upstream\":\"127.0.0.1:9\",\"enabled\":\"yes\"} | 400 | expected true or false",
        "/proxies | {\"name\":\"x\"} | 400 | missing required field: upstream",
        "/proxies | {\"name\":\"x\",\"upstream\":\"nocolon\"} | 400 | nocolon",
        "/proxies | {\"name\":\"x\",\"upstream\":\"127.0.0.1:9\",\"listen\":\"127.0.0.1:70000\"} | 400 | 0..65535",
        "/proxies | [] | 400 | expected a JSON object",
        "/proxies/echo/toxics | {\"type\":\"latency\",\"toxicity\":1.5} | 400 | outside 0.0..1.0",
        "/proxies/echo/toxics | {\"type\":\"latency\",\"toxicity\":\"all\"} | 400 | expected a number",
        "/proxies/echo/toxics | {\"type\":\"latency\",\"attributes\":{\"latency\":-1}} | 400 | latency",
        "/proxies/echo/toxics | {\"type\":\"latency\",\"attributes\":{\"latncy\":10}} | 400 | latncy is not an",
        "/proxies/echo/toxics | {\"type\":\"latency\",\"attributes\":{\"latency\":\"10\"}} | 400 | a whole number",
        "/proxies/echo/toxics | {\"type\":\"latency\",\"stream\":\"sideways\"} | 400 | stream was invalid",
        "/proxies/echo/toxics | {\"type\":\"lag\"} | 400 | invalid toxic type",
        "/proxies/echo/toxics | {\"type\":\"corrupt\",\"attributes\":{\"probability\":2}} | 400 | corrupt",
        "/proxies/echo/toxics/none | {} | 404 | toxic not found",
        "/proxies/none/toxics | {\"type\":\"latency\"} | 404 | proxy not found",
        "/populate | {} | 400 | expected an array",
        "/populate | [{\"name\":\"a\",\"upstream\":\"127.0.0.1:9\"},{\"name\":\"b\"}] | 400 | upstream at proxy 1",
    })
    void badRequestsGetTheirStatusAndChangeNothing(String path, String body, int status, String message)
            throws Exception {
        createEcho();
        String before = api.get("/proxies");
        Answer answer = call("POST", path, body);
        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.json().get("error").asText()).contains(message);
        assertThat(answer.json().get("status").asInt()).isEqualTo(status);
        assertThat(api.get("/proxies")).isEqualTo(before);
    }

    @Test
    void duplicatesAreConflictsWithToxiproxysErrorBody() throws Exception {
        createEcho();
        String before = api.get("/proxies");
        Answer proxy = call("POST", "/proxies", "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + upstream.address() + "\"}");
        assertThat(proxy.status()).isEqualTo(409);
        assertThat(proxy.body()).isEqualTo("{\"error\":\"proxy already exists\",\"status\":409}\n");
        assertThat(api.get("/proxies")).isEqualTo(before);

        assertThat(call("POST", "/proxies/echo/toxics", "{\"name\":\"t\",\"type\":\"latency\"}").status())
                .isEqualTo(200);
        before = api.get("/proxies");
        Answer toxic = call("POST", "/proxies/echo/toxics", "{\"name\":\"t\",\"type\":\"timeout\","
                + "\"stream\":\"upstream\"}");   // another type and stream: the name alone clashes
        assertThat(toxic.status()).isEqualTo(409);
        assertThat(toxic.body()).isEqualTo("{\"error\":\"toxic already exists\",\"status\":409}\n");
        assertThat(api.get("/proxies")).isEqualTo(before);
    }

    @Test
    void aProxysToxicsAreListedUpstreamFirst() throws Exception {
        createEcho();
        assertThat(api.get("/proxies/echo/toxics")).isEqualTo("[]\n");
        call("POST", "/proxies/echo/toxics", "{\"name\":\"slow\",\"type\":\"latency\",\"attributes\":{\"latency\":5}}");
        call("POST", "/proxies/echo/toxics", "{\"name\":\"thin\",\"type\":\"bandwidth\",\"stream\":\"upstream\","
                + "\"toxicity\":0.5,\"attributes\":{\"rate\":100}}");
        JsonNode toxics = Json.MAPPER.readTree(api.get("/proxies/echo/toxics"));
        assertThat(toxics).hasSize(2);
        assertThat(toxics.get(0).toString()).isEqualTo("{\"attributes\":{\"rate\":100},\"name\":\"thin\","
                + "\"type\":\"bandwidth\",\"stream\":\"upstream\",\"toxicity\":0.5}");
        assertThat(toxics.get(1).toString()).isEqualTo("{\"attributes\":{\"latency\":5,\"jitter\":0},"
                + "\"name\":\"slow\",\"type\":\"latency\",\"stream\":\"downstream\",\"toxicity\":1.0}");
        assertThat(toxics).isEqualTo(Json.MAPPER.readTree(api.get("/proxies/echo")).get("toxics"));
        Answer unknown = call("GET", "/proxies/nope/toxics", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo("{\"error\":\"proxy not found\",\"status\":404}\n");
    }

    @Test
    void metricsCountFaultsByTypeAndUpstreamErrorsByKind() throws Exception {
        int port = createEcho();
        call("POST", "/proxies/echo/toxics", "{\"type\":\"limit_data\",\"attributes\":{\"bytes\":5}}");
        try (Conn conn = new Conn(port)) {
            conn.send("0123456789");
            assertThat(conn.read(10)).isEqualTo("01234");   // then the end of the stream
        }
        int closedPort;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = server.getLocalPort();
        }
        Answer dead = call("POST", "/proxies", "{\"name\":\"dead\",\"listen\":\"127.0.0.1:0\","
                + "\"upstream\":\"127.0.0.1:" + closedPort + "\"}");
        try (Conn conn = new Conn(Conn.portOf(dead.json().get("listen").asText()))) {
            assertThat(conn.read(1)).isEmpty();   // refused upstream: the client is closed, nothing sent
        } catch (SocketException reset) {
            // a reset is as good an answer here
        }
        await().untilAsserted(() -> assertThat(api.get("/metrics"))
                .containsPattern(sample("chaosproxy_faults_injected_total{proxy=\"echo\",type=\"limit_data\"}", 1))
                .containsPattern(sample("chaosproxy_upstream_errors_total{kind=\"refused\",proxy=\"dead\"}", 1)));
    }

    @Test
    void aProxyMayNameAHostThatDoesNotResolveYetAndItIsLookedUpAtEachConnect() throws Exception {
        Answer created = call("POST", "/proxies", "{\"name\":\"later\",\"listen\":\"127.0.0.1:0\","
                + "\"upstream\":\"no-such-host.invalid:5432\"}");
        assertThat(created.status()).isEqualTo(201);   // as in Toxiproxy: stored as given, resolved at connect
        assertThat(created.json().get("upstream").asText()).isEqualTo("no-such-host.invalid:5432");
        int port = Conn.portOf(created.json().get("listen").asText());
        try (Conn conn = new Conn(port)) {
            assertThat(conn.read(1)).isEmpty();   // unknown at connect: the client is closed
        } catch (SocketException reset) {
            // a reset is as good an answer here
        }
        await().untilAsserted(() -> assertThat(api.get("/metrics"))
                .containsPattern(sample("chaosproxy_upstream_errors_total{kind=\"unresolved\",proxy=\"later\"}", 1)));

        // Pointed at a name that resolves, the same proxy carries traffic from the next connection on.
        Answer updated = call("POST", "/proxies/later", "{\"upstream\":\"localhost:" + upstream.port() + "\"}");
        assertThat(updated.status()).isEqualTo(200);
        try (Conn conn = new Conn(Conn.portOf(updated.json().get("listen").asText()))) {
            conn.roundTrip("found");
            JsonNode live = call("GET", "/connections?proxy=later", null).json();
            assertThat(live).singleElement().satisfies(c ->
                    assertThat(c.get("upstream").asText()).endsWith(":" + upstream.port()));
        }
    }

    /** A whole line of Prometheus text: the name with its labels, then the value (1 or 1.0). */
    private static String sample(String nameAndLabels, long value) {
        return "(?m)^" + Pattern.quote(nameAndLabels) + " " + value + "(\\.0)?$";
    }

    @Test
    void browsersAreTurnedAway() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(admin.url() + "/proxies"))
                .header("User-Agent", "Mozilla/5.0").POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertThat(HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode())
                .isEqualTo(403);
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
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Answer answer = call("POST", "/populate", "[{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                    + upstream.address() + "\"},{\"name\":\"b\",\"listen\":\"127.0.0.1:" + taken.getLocalPort()
                    + "\",\"upstream\":\"" + upstream.address() + "\"}]");
            assertThat(answer.status()).isEqualTo(409);
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
            // The loop counts what it wrote once the write returns, which may be after the client read the echo.
            await().until(() -> call("GET", "/connections", null).json().path(0).path("bytes_downstream").asLong() == 5);
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
