package io.chaosproxy.cli.trixter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.cli.trixter.TrixterRun.Client;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Trixter's endpoints through real sockets: paths, statuses, bodies and JSON shapes, as its source has them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TrixterApiTest {
    private static final List<String> KNOBS = List.of("delay", "throttle", "slice", "termination", "corruption");
    private static Upstream upstream;
    private static TrixterRun trixter;

    @BeforeAll
    static void start() throws Exception {
        upstream = Upstream.echo();
        trixter = TrixterRun.to(upstream.address(), "--delay-ms", "1500", "--throttle-rate-bytes", "10240",
                "--slice-size-bytes", "512", "--terminate-probability-rate", "0.0",
                "--corrupt-probability-rate", "0.0", "--random-seed", "42");
    }

    @AfterAll
    static void stop() throws Exception {
        trixter.close();
        upstream.close();
    }

    @Test
    void healthAnswersOkAsPlainText() {
        HttpResponse<String> health = trixter.get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok");
        assertThat(health.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    }

    @Test
    void connectionsListEachLiveConnectionInTrixtersShape() throws Exception {
        try (Client client = trixter.connect()) {
            HttpResponse<String> response = trixter.get("/connections");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
            JsonNode status = find(TrixterRun.JSON.readTree(response.body()), client.id());
            assertThat(fieldNames(status)).containsExactly("conn_info", "delay", "throttle_rate", "slice_size",
                    "terminate_probability_rate", "corrupt_probability_rate");
            JsonNode info = status.get("conn_info");
            assertThat(fieldNames(info)).containsExactly("id", "downstream", "upstream");
            assertThat(info.get("id").isTextual()).as("ids are strings").isTrue();
            assertThat(info.get("downstream").asText()).isEqualTo("127.0.0.1:" + client.socket().getLocalPort());
            assertThat(info.get("upstream").asText()).isEqualTo(upstream.address());
            // The flags' values: 1500 ms is a std::time::Duration of 1 s and 500000000 ns.
            assertThat(status.get("delay").toString()).isEqualTo("{\"secs\":1,\"nanos\":500000000}");
            assertThat(status.get("throttle_rate").asLong()).isEqualTo(10240);
            assertThat(status.get("slice_size").asLong()).isEqualTo(512);
            assertThat(status.get("terminate_probability_rate").isDouble()).isTrue();
            assertThat(status.get("terminate_probability_rate").asDouble()).isZero();
            assertThat(status.get("corrupt_probability_rate").asDouble()).isZero();
        }
    }

    @Test
    void eachPatchAnswers202WithNoBodyAndTheListShowsTheNewValue() throws Exception {
        try (Client client = trixter.connect()) {
            String at = "/connections/" + client.id() + "/";
            assertAccepted(trixter.patch(at + "delay", "{\"delay_ms\":250}"));
            assertAccepted(trixter.patch(at + "throttle", "{\"rate_bytes\":65536}"));
            assertAccepted(trixter.patch(at + "slice", "{\"size_bytes\":256}"));
            assertAccepted(trixter.patch(at + "termination", "{\"probability_rate\":0.05}"));
            assertAccepted(trixter.patch(at + "corruption", "{\"probability_rate\":0.01}"));
            JsonNode status = find(trixter.connections(), client.id());
            assertThat(status.get("delay").toString()).isEqualTo("{\"secs\":0,\"nanos\":250000000}");
            assertThat(status.get("throttle_rate").asLong()).isEqualTo(65536);
            assertThat(status.get("slice_size").asLong()).isEqualTo(256);
            assertThat(status.get("terminate_probability_rate").asDouble()).isEqualTo(0.05);
            assertThat(status.get("corrupt_probability_rate").asDouble()).isEqualTo(0.01);
            // ... and the connection has exactly those faults, each both ways.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(trixter.running().proxy()
                    .route(TrixterMode.ROUTE).connections().stream()
                    .filter(c -> Long.toString(c.id()).equals(client.id())).findFirst().orElseThrow().faults())
                    .extracting(f -> f.name() + "/" + f.direction().wireName())
                    .containsExactlyInAnyOrder("trixter_delay/both", "trixter_throttle/both",
                            "trixter_slice/both", "trixter_termination/both", "trixter_corruption/both"));
        }
    }

    @Test
    void zeroTakesTheKnobsFaultAway() throws Exception {
        try (Client client = trixter.connect()) {
            String at = "/connections/" + client.id() + "/";
            assertAccepted(trixter.patch(at + "delay", "{\"delay_ms\":0}"));
            assertAccepted(trixter.patch(at + "throttle", "{\"rate_bytes\":0}"));
            assertAccepted(trixter.patch(at + "slice", "{\"size_bytes\":0}"));
            assertThat(find(trixter.connections(), client.id()).get("delay").toString())
                    .isEqualTo("{\"secs\":0,\"nanos\":0}");
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(trixter.running().proxy()
                    .route(TrixterMode.ROUTE).connections().stream()
                    .filter(c -> Long.toString(c.id()).equals(client.id())).findFirst().orElseThrow().faults())
                    .isEmpty());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"delay", "throttle", "slice", "termination", "corruption"})
    void anUnknownConnectionIsA404InTrixtersWords(String knob) {
        String body = switch (knob) {
            case "delay" -> "{\"delay_ms\":1}";
            case "throttle" -> "{\"rate_bytes\":1}";
            case "slice" -> "{\"size_bytes\":1}";
            default -> "{\"probability_rate\":2.0}";   // the connection is looked up before the probability
        };
        for (String id : List.of("999999", "pN7e3yNotOurs", "18446744073709551616")) {
            HttpResponse<String> response = trixter.patch("/connections/" + id + "/" + knob, body);
            assertThat(response.statusCode()).isEqualTo(404);
            assertThat(response.body()).isEqualTo("{\"error\":\"connection not found\"}");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        }
        HttpResponse<String> shutdown = trixter.post("/connections/999999/shutdown", "{\"reason\":\"x\"}");
        assertThat(shutdown.statusCode()).isEqualTo(404);
        assertThat(shutdown.body()).isEqualTo("{\"error\":\"connection not found\"}");
    }

    @Test
    void aProbabilityOutsideZeroToOneIsA400AndChangesNothing() throws Exception {
        try (Client client = trixter.connect()) {
            for (String knob : List.of("termination", "corruption")) {
                for (String value : List.of("1.5", "-0.1", "2")) {
                    HttpResponse<String> response = trixter.patch("/connections/" + client.id() + "/" + knob,
                            "{\"probability_rate\":" + value + "}");
                    assertThat(response.statusCode()).isEqualTo(400);
                    assertThat(response.body())
                            .isEqualTo("{\"error\":\"invalid probability; must be between 0.0 and 1.0\"}");
                }
                assertAccepted(trixter.patch("/connections/" + client.id() + "/" + knob,
                        "{\"probability_rate\":1}"));   // an integer is an f64 too, as serde reads it
                assertAccepted(trixter.patch("/connections/" + client.id() + "/" + knob,
                        "{\"probability_rate\":0.0}"));
            }
            assertThat(find(trixter.connections(), client.id()).get("terminate_probability_rate").asDouble())
                    .isZero();
        }
    }

    @Test
    void unknownMissingRepeatedAndMistypedFieldsAre422sInSerdesWords() throws Exception {
        try (Client client = trixter.connect()) {
            String delay = "/connections/" + client.id() + "/delay";
            assertRejected(trixter.patch(delay, "{\"delay_ms\":1,\"jitter_ms\":2}"), 422,
                    "Failed to deserialize the JSON body into the target type: unknown field `jitter_ms`,"
                            + " expected `delay_ms` at line 1 column 25");
            assertRejected(trixter.patch(delay, "{}"), 422,
                    "Failed to deserialize the JSON body into the target type: missing field `delay_ms`"
                            + " at line 1 column 2");
            assertRejected(trixter.patch(delay, "{\"delay_ms\":1,\"delay_ms\":2}"), 422,
                    "Failed to deserialize the JSON body into the target type: duplicate field `delay_ms`"
                            + " at line 1 column 24");
            assertRejected(trixter.patch(delay, "{\"delay_ms\":\"250\"}"), 422,
                    "Failed to deserialize the JSON body into the target type: delay_ms: invalid type: string"
                            + " \"250\", expected u64 at line 1 column 17");
            assertRejected(trixter.patch(delay, "{\"delay_ms\":-1}"), 422,
                    "Failed to deserialize the JSON body into the target type: delay_ms: invalid value: integer"
                            + " `-1`, expected u64 at line 1 column 14");
            assertRejected(trixter.patch(delay, "{\"delay_ms\":2.5}"), 422,
                    "Failed to deserialize the JSON body into the target type: delay_ms: invalid type: floating"
                            + " point `2.5`, expected u64 at line 1 column 15");
            assertRejected(trixter.patch("/connections/" + client.id() + "/throttle", "{\"rate\":1}"), 422,
                    "Failed to deserialize the JSON body into the target type: unknown field `rate`, expected"
                            + " `rate_bytes` at line 1 column 7");
            assertRejected(trixter.patch("/connections/" + client.id() + "/slice", "{\"size_bytes\":null}"), 422,
                    "Failed to deserialize the JSON body into the target type: size_bytes: invalid type: null,"
                            + " expected usize at line 1 column 18");
            assertRejected(trixter.patch("/connections/" + client.id() + "/termination",
                    "{\"probability_rate\":true}"), 422,
                    "Failed to deserialize the JSON body into the target type: probability_rate: invalid type:"
                            + " boolean `true`, expected f64 at line 1 column 24");
            assertRejected(trixter.post("/connections/" + client.id() + "/shutdown", "{\"reason\":1}"), 422,
                    "Failed to deserialize the JSON body into the target type: reason: invalid type: integer"
                            + " `1`, expected a string at line 1 column 11");
            assertRejected(trixter.post("/connections/" + client.id() + "/shutdown",
                    "{\"reason\":\"x\",\"force\":true}"), 422,
                    "Failed to deserialize the JSON body into the target type: unknown field `force`, expected"
                            + " `reason` at line 1 column 21");
            assertRejected(trixter.patch(delay, "250"), 422,
                    "Failed to deserialize the JSON body into the target type: invalid type: integer `250`,"
                            + " expected struct DelayReq at line 1 column 3");
            // None of these touched the connection: it is still listed, with the flags' delay.
            assertThat(find(trixter.connections(), client.id()).get("delay").get("secs").asLong()).isEqualTo(1);
        }
    }

    @Test
    void badJsonIsA400AndAMissingJsonContentTypeA415() throws Exception {
        try (Client client = trixter.connect()) {
            String delay = "/connections/" + client.id() + "/delay";
            assertThat(trixter.patch(delay, "{\"delay_ms\":").statusCode()).isEqualTo(400);
            assertThat(trixter.patch(delay, "{\"delay_ms\":").body())
                    .startsWith("Failed to parse the request body as JSON: ");
            assertRejected(trixter.patch(delay, ""), 400,
                    "Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 0");
            assertRejected(trixter.patch(delay, "{\"delay_ms\":1} {}"), 400,
                    "Failed to parse the request body as JSON: trailing characters at line 1 column 16");
            HttpResponse<String> noType = trixter.send(HttpRequest.newBuilder(URI.create(trixter.api() + delay))
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"delay_ms\":1}")));
            assertRejected(noType, 415, "Expected request with `Content-Type: application/json`");
            HttpResponse<String> textType = trixter.send(HttpRequest.newBuilder(URI.create(trixter.api() + delay))
                    .header("Content-Type", "text/plain")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"delay_ms\":1}")));
            assertThat(textType.statusCode()).isEqualTo(415);
            HttpResponse<String> charset = trixter.send(HttpRequest.newBuilder(URI.create(trixter.api() + delay))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"delay_ms\":1500}")));
            assertAccepted(charset);
        }
    }

    @Test
    void aDelayLongerThanADayIsRefused() throws Exception {
        try (Client client = trixter.connect()) {
            HttpResponse<String> response = trixter.patch("/connections/" + client.id() + "/delay",
                    "{\"delay_ms\":86400001}");
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).contains("delay_ms 86400001 is over 86400000 (1 day)");
            assertAccepted(trixter.patch("/connections/" + client.id() + "/delay", "{\"delay_ms\":86400000}"));
            assertAccepted(trixter.patch("/connections/" + client.id() + "/delay", "{\"delay_ms\":1500}"));
        }
    }

    @Test
    void unknownPathsAre404sAndWrongMethods405sWithNoBody() {
        for (String path : List.of("/", "/proxies", "/connections/", "/connections/1", "/connections/1/jitter",
                "/health/")) {
            HttpResponse<String> response = trixter.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.body()).as(path).isEmpty();
        }
        HttpResponse<String> postHealth = trixter.post("/health", "{}");
        assertThat(postHealth.statusCode()).isEqualTo(405);
        assertThat(postHealth.body()).isEmpty();
        assertThat(postHealth.headers().firstValue("Allow")).hasValue("GET,HEAD");
        for (String knob : KNOBS) {
            HttpResponse<String> post = trixter.post("/connections/1/" + knob, "{}");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("PATCH");
        }
        assertThat(trixter.patch("/connections/1/shutdown", "{\"reason\":\"x\"}").statusCode()).isEqualTo(405);
        assertThat(trixter.patch("/connections", "{}").statusCode()).isEqualTo(405);
    }

    @Test
    void shutdownAnswers202AndTheConnectionLeavesTheListAtOnce() throws Exception {
        try (Client client = trixter.connect()) {
            HttpResponse<String> response = trixter.post("/connections/" + client.id() + "/shutdown",
                    "{\"reason\":\"test teardown\"}");
            assertAccepted(response);
            assertThat(ids(trixter.connections())).doesNotContain(client.id());
            assertThat(trixter.out()).contains("trixter conn=" + client.id() + " client=127.0.0.1:"
                    + client.socket().getLocalPort() + " upstream=" + upstream.address()
                    + " shutdown reason=\"test teardown\"");
            // Shut down twice: it is gone.
            assertThat(trixter.post("/connections/" + client.id() + "/shutdown", "{\"reason\":\"again\"}")
                    .statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aReasonCannotForgeALogLine() throws Exception {
        try (Client client = trixter.connect()) {
            assertAccepted(trixter.post("/connections/" + client.id() + "/shutdown",
                    "{\"reason\":\"bye\\ntrixter conn=1 \\\"forged\\\"\"}"));
            assertThat(trixter.out()).contains("shutdown reason=\"bye\\u000atrixter conn=1 \\\"forged\\\"\"");
        }
    }

    private static void assertAccepted(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(response.body()).isEmpty();
    }

    private static void assertRejected(HttpResponse<String> response, int status, String text) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).isEqualTo(text);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
    }

    static JsonNode find(JsonNode list, String id) {
        for (JsonNode status : list) {
            if (status.path("conn_info").path("id").asText().equals(id)) {
                return status;
            }
        }
        throw new AssertionError("connection " + id + " is not listed: " + list);
    }

    static List<String> ids(JsonNode list) {
        List<String> ids = new java.util.ArrayList<>();
        list.forEach(status -> ids.add(status.path("conn_info").path("id").asText()));
        return ids;
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
