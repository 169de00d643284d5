package io.chaosproxy.cli.attack12;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.ChaosConnection;
import io.chaosproxy.cli.trixter.TrixterMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Trixter's API fed huge, malformed and strange bodies: the 2 MB bound at its edge and past it (with a length, a
 * lying length, chunked), numbers and strings JSON allows but no field expects, unicode reasons in the log line.
 * Never a 500, never a hang, and the API answers the next request.
 */
@Timeout(60)
class TrixterBodiesAttackTest {
    private static final int LIMIT = 2 * 1024 * 1024;   // axum's default, as the README says

    private static Echo upstream;
    private static Cli cli;
    private static Http api;

    @BeforeAll
    static void start() throws Exception {
        upstream = new Echo();
        cli = Cli.trixter(upstream.address());
        api = new Http(cli.running().trixter().url());
    }

    @AfterAll
    static void stop() throws Exception {
        cli.close();
        upstream.close();
    }

    @Test
    void aBodyOfExactlyTheLimitIsReadAndOneByteMoreIs413() {
        String prefix = "{\"reason\":\"";
        String atLimit = prefix + "a".repeat(LIMIT - prefix.length() - 2) + "\"}";
        assertThat(atLimit.length()).isEqualTo(LIMIT);
        HttpResponse<String> read = api.post("/connections/999999/shutdown", atLimit);
        assertThat(read.statusCode()).as(read.body()).isEqualTo(404);   // read whole, then no such connection
        HttpResponse<String> over = api.post("/connections/999999/shutdown", atLimit + " ");
        assertThat(over.statusCode()).isEqualTo(413);
        assertThat(over.body()).isEqualTo("Failed to buffer the request body: length limit exceeded");
        assertThat(api.get("/health").body()).isEqualTo("ok");
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws Exception {
        byte[] body = ("{\"reason\":\"" + "b".repeat(LIMIT) + "\"}").getBytes(StandardCharsets.US_ASCII);
        HttpRequest request = HttpRequest.newBuilder(URI.create(cli.running().trixter().url()
                        + "/connections/_all/shutdown"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(api.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aLengthOfAHundredMegabytesIsRefusedWithoutWaitingForThemAll() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), cli.running().trixter().address().getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /connections/_all/shutdown HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[64 * 1024];
            try {
                for (int i = 0; i < 48; i++) {   // 3 MB, then nothing more
                    out.write(block);
                }
            } catch (SocketException e) {
                // the server closed after its 413: fine
            }
            String answer = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 413");
        }
        assertThat(api.get("/health").statusCode()).isEqualTo(200);
    }

    static Stream<String> probabilities() {
        return Stream.of("{\"probability_rate\": 1e999}",             // infinity
            "{\"probability_rate\": -1e-999}",           // minus zero
            "{\"probability_rate\": NaN}",
            "{\"probability_rate\": 1" + "0".repeat(5000) + "}",
            "{\"probability_rate\": 0." + "5".repeat(5000) + "}",
            "{\"probability_rate\": \"0.5\"}",
            "{\"probability_rate\": [0.5]}",
            "{\"probability_rate\": 0.5, \"probability_rate\": 0.5}",
            "{\"probability_rate\": 0.5}garbage",
            "{\"probability_rate\": 0.5",
            "\"\\ud800\"",
            "{\"probability_rate\": 0.5} {}");
    }

    @ParameterizedTest
    @MethodSource("probabilities")
    void oddNumbersAndShapesForAProbabilityAreNever500(String body) throws Exception {
        try (Socket client = connect()) {
            String id = idOf(client);
            HttpResponse<String> response = api.patch("/connections/" + id + "/corruption", body);
            assertThat(response.statusCode()).as("%s -> %s", body, response.body()).isIn(202, 400, 422);
            ChaosConnection connection = connection(id);
            double shown = find(id).path("corrupt_probability_rate").asDouble();
            assertThat(shown >= 0.0 && shown <= 1.0).as("%s shown as %s", body, shown).isTrue();   // -0.0 too
            assertThat(connection.ownFaults()).as("%s", body).hasSize(shown == 0.0 ? 0 : 1);
        }
    }

    static Stream<String> delays() {
        return Stream.of("{\"delay_ms\": -0}",
            "{\"delay_ms\": 18446744073709551615}",
            "{\"delay_ms\": 18446744073709551616}",
            "{\"delay_ms\": 1" + "0".repeat(3000) + "}",
            "{\"delay_ms\": 1.0}",
            "{\"delay_ms\": 1e3}",
            "{\"delay_ms\": true}",
            "{\"delay_ms\": null}",
            "{\"delay_ms\": {}}",
            "{\"delay_ms\": 86400000}",
            "{\"delay_ms\": 86400001}");
    }

    @ParameterizedTest
    @MethodSource("delays")
    void oddNumbersForADelayAreNever500(String body) throws Exception {
        try (Socket client = connect()) {
            String id = idOf(client);
            HttpResponse<String> response = api.patch("/connections/" + id + "/delay", body);
            assertThat(response.statusCode()).as("%s -> %s", body, response.body()).isIn(202, 400, 422);
            long shownMs = find(id).path("delay").path("secs").asLong() * 1000
                    + find(id).path("delay").path("nanos").asLong() / 1_000_000;
            assertThat(connection(id).ownFaults()).as("%s", body).hasSize(shownMs == 0 ? 0 : 1);
        }
    }

    @Test
    void deepNestingAndHugeStringsAreAnsweredAt422OrBelow() {
        for (String body : List.of("[".repeat(LIMIT / 2), "{\"reason\":" + "[".repeat(LIMIT / 2),
                "{\"reason\":\"x\"}" + "{".repeat(100_000), "{\"" + "k".repeat(LIMIT - 10) + "\":1}")) {
            HttpResponse<String> response = api.post("/connections/999999/shutdown", body);
            assertThat(response.statusCode()).as(body.substring(0, 20)).isIn(400, 422);
        }
        assertThat(api.get("/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aUnicodeReasonIsLoggedAsGivenOnOneLine() throws Exception {
        String reason = "héllo wörld 🌍 日本語 \u2028 \u0085 tab\t";
        try (Socket client = connect()) {
            String id = idOf(client);
            String json = Http.JSON.writeValueAsString(java.util.Map.of("reason", reason));
            assertThat(api.post("/connections/" + id + "/shutdown", json).statusCode()).isEqualTo(202);
            String line = cli.out().lines().filter(l -> l.startsWith("trixter conn=" + id + " ")).findFirst()
                    .orElseThrow();
            assertThat(line).endsWith(" shutdown reason=\"héllo wörld 🌍 日本語 \u2028 \u0085 tab\\u0009\"");
        }
    }

    @Test
    void aClientSendingHalfABodyDoesNotStopTheApiForOthers() throws Exception {
        int port = cli.running().trixter().address().getPort();
        List<Socket> stalled = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                socket.getOutputStream().write(("POST /connections/_all/shutdown HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 20\r\n\r\n{\"rea")
                        .getBytes(StandardCharsets.US_ASCII));
                stalled.add(socket);
            }
            HttpRequest health = HttpRequest.newBuilder(URI.create(cli.running().trixter().url() + "/health"))
                    .timeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> response = HttpClient.newHttpClient().send(health,
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.body()).isEqualTo("ok");
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }

    private static Socket connect() throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(),
                cli.running().proxy().route(TrixterMode.ROUTE).localPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private static String idOf(Socket client) throws Exception {
        var route = cli.running().proxy().route(TrixterMode.ROUTE);
        ChaosConnection connection = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> route.connections().stream()
                        .filter(c -> c.clientAddress().getPort() == client.getLocalPort()).findFirst().orElse(null),
                        c -> c != null);
        // Listed by the API too (its listener saw it open) before the test speaks of it.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> findOrNull(Long.toString(connection.id())) != null);
        return Long.toString(connection.id());
    }

    private static ChaosConnection connection(String id) throws Exception {
        return cli.running().proxy().route(TrixterMode.ROUTE).connections().stream()
                .filter(c -> Long.toString(c.id()).equals(id)).findFirst().orElseThrow();
    }

    private static com.fasterxml.jackson.databind.JsonNode find(String id) {
        var status = findOrNull(id);
        if (status == null) {
            throw new AssertionError("connection " + id + " is not listed");
        }
        return status;
    }

    private static com.fasterxml.jackson.databind.JsonNode findOrNull(String id) {
        for (var status : Http.json(api.get("/connections"))) {
            if (status.path("conn_info").path("id").asText().equals(id)) {
                return status;
            }
        }
        return null;
    }
}
