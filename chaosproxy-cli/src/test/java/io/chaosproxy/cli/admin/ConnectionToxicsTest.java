package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.cli.admin.AdminClient.Answer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /connections/{id}/toxics}, {@code /connections/{id}/toxics/{name}} and {@code /connections/{id}/reset}
 * through real sockets: a toxic on one connection acts on it alone, measured; the proxy's toxics are listed but
 * changed only on the proxy; a reset reaches both sides as an RST.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionToxicsTest extends AdminServerFixture {

    private Answer call(String method, String path, String body) throws Exception {
        return api.call(method, path, body);
    }

    private int createProxy(String upstreamAddress) throws Exception {
        Answer created = call("POST", "/proxies", "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + upstreamAddress + "\"}");
        assertThat(created.status()).isEqualTo(201);
        return Conn.portOf(created.json().get("listen").asText());
    }

    /** The id of the newest live connection, once there are {@code count}. */
    private long awaitConnection(int count) throws Exception {
        await().until(() -> call("GET", "/connections", null).json().size() == count);
        JsonNode list = call("GET", "/connections", null).json();
        return list.get(count - 1).get("id").asLong();
    }

    @Test
    void aLatencyAddedToOneConnectionSlowsItAlone() throws Exception {
        int port = createProxy(upstream.address());
        try (Conn slow = new Conn(port)) {
            slow.roundTrip("a");
            long slowId = awaitConnection(1);
            try (Conn fast = new Conn(port)) {
                fast.roundTrip("b");
                long fastId = awaitConnection(2);

                Answer added = call("POST", "/connections/" + slowId + "/toxics",
                        "{\"name\":\"lag\",\"type\":\"latency\",\"attributes\":{\"latency\":300}}");
                assertThat(added.status()).isEqualTo(200);
                assertThat(added.json().get("name").asText()).isEqualTo("lag");
                assertThat(added.json().get("stream").asText()).isEqualTo("downstream");
                assertThat(added.json().get("attributes").get("latency").asLong()).isEqualTo(300);
                assertThat(added.json().get("scope").asText()).isEqualTo("connection");
                assertThat(added.json().get("active").asBoolean()).isTrue();

                assertThat(slow.roundTrip("c")).isBetween(280L, 2000L);
                assertThat(fast.roundTrip("d")).isLessThan(250L);
                assertThat(slow.roundTrip("e")).isBetween(280L, 2000L);
                assertThat(call("GET", "/proxies/echo/toxics", null).json()).isEmpty();
                assertThat(call("GET", "/connections/" + fastId + "/toxics", null).json()).isEmpty();

                JsonNode listed = call("GET", "/connections", null).json();   // still every field, and its toxics
                assertThat(listed.get(0).get("id").asLong()).isEqualTo(slowId);
                assertThat(listed.get(0).get("proxy").asText()).isEqualTo("echo");
                assertThat(listed.get(0).get("client").asText()).startsWith("127.0.0.1:");
                assertThat(listed.get(0).get("upstream").asText()).isEqualTo(upstream.address());
                assertThat(listed.get(0).get("bytes_downstream").asLong()).isEqualTo(3);
                assertThat(listed.get(0).has("opened_at")).isTrue();
                assertThat(listed.get(0).get("toxics").toString()).isEqualTo("[\"lag\"]");
                assertThat(listed.get(1).get("toxics").toString()).isEqualTo("[]");
            }
        }
    }

    @Test
    void theProxysToxicsAreListedMarkedAsSuchButChangedOnlyOnTheProxy() throws Exception {
        int port = createProxy(upstream.address());
        assertThat(call("POST", "/proxies/echo/toxics",
                "{\"name\":\"shared\",\"type\":\"slow_close\",\"attributes\":{\"delay\":1}}").status()).isEqualTo(200);
        try (Conn conn = new Conn(port)) {
            conn.roundTrip("a");
            long id = awaitConnection(1);
            String toxics = "/connections/" + id + "/toxics";
            assertThat(call("POST", toxics, "{\"type\":\"latency\",\"attributes\":{\"latency\":1}}").status())
                    .isEqualTo(200);
            assertThat(call("POST", toxics, "{\"name\":\"never\",\"type\":\"latency\",\"toxicity\":0,"
                    + "\"attributes\":{\"latency\":5000}}").json().get("active").asBoolean()).isFalse();

            JsonNode list = call("GET", toxics, null).json();
            assertThat(list).extracting(t -> t.get("name").asText())
                    .containsExactly("shared", "latency_downstream", "never");
            assertThat(list).extracting(t -> t.get("scope").asText()).containsExactly("proxy", "connection", "connection");
            assertThat(list).extracting(t -> t.get("active").asBoolean()).containsExactly(true, true, false);
            assertThat(list.get(0).get("attributes").get("delay").asLong()).isEqualTo(1);
            assertThat(conn.roundTrip("b")).isLessThan(2000L);   // the toxicity-0 latency of 5 s never acts

            Answer one = call("GET", toxics + "/shared", null);
            assertThat(one.status()).isEqualTo(200);
            assertThat(one.json().get("scope").asText()).isEqualTo("proxy");
            for (String method : List.of("PATCH", "POST", "DELETE")) {
                Answer refused = call(method, toxics + "/shared", "{\"attributes\":{\"delay\":50}}");
                assertThat(refused.status()).isEqualTo(409);
                assertThat(refused.json().get("status").asInt()).isEqualTo(409);
                assertThat(refused.json().get("error").asText()).isEqualTo("toxic 'shared' belongs to proxy 'echo',"
                        + " not to connection " + id + " alone; change or remove it there: /proxies/echo/toxics/shared");
            }
            assertThat(call("GET", "/proxies/echo/toxics/shared", null).json().get("attributes").get("delay").asLong())
                    .isEqualTo(1);

            assertThat(call("POST", toxics, "{\"type\":\"latency\"}").json().get("error").asText())
                    .isEqualTo("toxic already exists");
            Answer clash = call("POST", toxics, "{\"name\":\"shared\",\"type\":\"latency\"}");
            assertThat(clash.status()).isEqualTo(409);
            assertThat(clash.json().get("error").asText()).isEqualTo("toxic already exists");
            assertThat(call("GET", toxics, null).json()).hasSize(3);
        }
    }

    @Test
    void patchChangesAnOwnToxicInPlaceAndDeleteRemovesIt() throws Exception {
        int port = createProxy(upstream.address());
        try (Conn conn = new Conn(port)) {
            conn.roundTrip("a");
            long id = awaitConnection(1);
            String lag = "/connections/" + id + "/toxics/lag";
            call("POST", "/connections/" + id + "/toxics",
                    "{\"name\":\"lag\",\"type\":\"latency\",\"attributes\":{\"latency\":30000,\"jitter\":0}}");
            conn.send("x");
            await().until(() -> chaos.metrics().faultsInjected().getOrDefault("latency", 0L) == 1L);   // held
            long start = System.nanoTime();
            Answer patched = call("PATCH", lag, "{\"attributes\":{\"latency\":400}}");
            assertThat(patched.status()).isEqualTo(200);
            assertThat(patched.json().get("attributes").get("latency").asLong()).isEqualTo(400);
            assertThat(patched.json().get("toxicity").asDouble()).isEqualTo(1.0);
            assertThat(conn.read(1)).isEqualTo("x");   // what the 30 s latency held, now through the new 400 ms
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(380L, 5000L);
            assertThat(conn.roundTrip("y")).isBetween(380L, 2000L);

            Answer jitter = call("POST", lag, "{\"attributes\":{\"jitter\":10}}");   // POST updates too, merging
            assertThat(jitter.json().get("attributes").get("latency").asLong()).isEqualTo(400);
            assertThat(jitter.json().get("attributes").get("jitter").asLong()).isEqualTo(10);
            assertThat(call("GET", lag, null).json().get("attributes").get("jitter").asLong()).isEqualTo(10);

            assertThat(call("DELETE", lag, null).status()).isEqualTo(204);
            assertThat(conn.roundTrip("z")).isLessThan(250L);
            assertThat(call("GET", "/connections/" + id + "/toxics", null).json()).isEmpty();
            assertThat(call("DELETE", lag, null).status()).isEqualTo(404);
            assertThat(call("PATCH", lag, "{\"toxicity\":0.5}").json().get("error").asText())
                    .isEqualTo("toxic not found");
        }
    }

    @Test
    void resetSendsAnRstToTheClientAndTheUpstream() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(5000);
            int port = createProxy("127.0.0.1:" + server.getLocalPort());
            try (Conn client = new Conn(port); Socket upstreamSide = server.accept()) {
                upstreamSide.setSoTimeout(5000);
                client.send("hi");
                assertThat(upstreamSide.getInputStream().readNBytes(2)).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
                long id = awaitConnection(1);

                assertThat(call("POST", "/connections/" + id + "/reset", null).status()).isEqualTo(204);
                assertThat(client.millisToEnd()).isEqualTo(-1);   // a reset, not an end of stream
                InputStream fromProxy = upstreamSide.getInputStream();
                assertThatThrownBy(fromProxy::read).isInstanceOf(SocketException.class).hasMessageContaining("reset");
                await().until(() -> call("GET", "/connections", null).json().isEmpty());
                assertThat(call("POST", "/connections/" + id + "/reset", null).status()).isEqualTo(404);
            }
        }
    }

    @Test
    void unknownIdsAndBadBodiesAreRefusedWithAMessage() throws Exception {
        int port = createProxy(upstream.address());
        try (Conn conn = new Conn(port)) {
            conn.roundTrip("a");
            long id = awaitConnection(1);
            String toxics = "/connections/" + id + "/toxics";
            for (String[] request : new String[][] {
                    {"GET", "/connections/999/toxics", null},
                    {"POST", "/connections/999/toxics", "{\"type\":\"latency\"}"},
                    {"GET", "/connections/999/toxics/lag", null},
                    {"PATCH", "/connections/999/toxics/lag", "{\"toxicity\":0.5}"},
                    {"DELETE", "/connections/999/toxics/lag", null},
                    {"POST", "/connections/999/reset", null}}) {
                Answer answer = call(request[0], request[1], request[2]);
                assertThat(answer.status()).as(request[0] + " " + request[1]).isEqualTo(404);
                assertThat(answer.json().get("error").asText()).isEqualTo("connection not found");
            }
            assertThat(call("GET", "/connections/x1/toxics", null).json().get("error").asText())
                    .isEqualTo("connection id \"x1\" is not a number");
            assertThat(call("GET", toxics + "/nope", null).json().get("error").asText()).isEqualTo("toxic not found");

            assertBadRequest(toxics, "", "the body is empty");
            assertBadRequest(toxics, "{\"type\":\"latency\",\"attributes\":{\"latency\":\"slow\"}}",
                    "attributes.latency");
            assertBadRequest(toxics, "{\"type\":\"latency\",\"attributes\":{\"lag\":1}}", "attributes.lag");
            assertBadRequest(toxics, "{\"typ\":\"latency\"}", "typ is not a known field");
            assertBadRequest(toxics, "{\"type\":\"nope\"}", "invalid toxic type: nope");
            assertBadRequest(toxics, "{\"type\":\"latency\",\"toxicity\":2}", "toxicity 2.0 is outside 0.0..1.0");
            assertBadRequest(toxics, "{\"type\":\"latency\",\"stream\":\"sideways\"}", "stream was invalid");
            call("POST", toxics, "{\"name\":\"lag\",\"type\":\"latency\",\"attributes\":{\"latency\":1}}");
            assertBadRequest(toxics + "/lag", "{\"stream\":\"upstream\"}", "stream cannot be changed");
            assertBadRequest(toxics + "/lag", "{\"attributes\":{\"latency\":-1}}", "latency");
            assertBadRequest(toxics + "/lag", "[1]", "expected a JSON object");
            assertThat(call("GET", toxics + "/lag", null).json().get("attributes").get("latency").asLong())
                    .isEqualTo(1);   // a refused update changes nothing
            assertThat(conn.roundTrip("b")).isLessThan(2000L);
        }
    }

    private void assertBadRequest(String path, String body, String message) throws Exception {
        Answer answer = call(path.contains("/toxics/") ? "PATCH" : "POST", path, body);
        assertThat(answer.status()).as(body).isEqualTo(400);
        assertThat(answer.json().get("status").asInt()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).as(body).contains(message);
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        int port = createProxy(upstream.address());
        try (Conn conn = new Conn(port)) {
            conn.roundTrip("a");
            long id = awaitConnection(1);
            try (Socket socket = new Socket(admin.address().getAddress(), admin.address().getPort())) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(("POST /connections/" + id + "/toxics HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: " + (RequestBody.LIMIT + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();   // the answer comes before any of the body
                assertThat(statusLine).startsWith("HTTP/1.1 413 ");
            }
            assertThat(call("GET", "/connections/" + id + "/toxics", null).json()).isEmpty();
        }
    }

    @Test
    void aConnectionThatClosedMeanwhileIsNotFound() throws Exception {
        int port = createProxy(upstream.address());
        long id;
        try (Conn conn = new Conn(port)) {
            conn.roundTrip("a");
            id = awaitConnection(1);
            call("POST", "/connections/" + id + "/toxics", "{\"name\":\"lag\",\"type\":\"latency\"}");
        }   // the client leaves; the echo server follows
        await().until(() -> call("GET", "/connections", null).json().isEmpty());
        assertThat(call("GET", "/connections/" + id + "/toxics", null).status()).isEqualTo(404);
        assertThat(call("POST", "/connections/" + id + "/toxics", "{\"type\":\"latency\"}").status()).isEqualTo(404);
        assertThat(call("PATCH", "/connections/" + id + "/toxics/lag", "{\"toxicity\":1}").status()).isEqualTo(404);
        assertThat(call("DELETE", "/connections/" + id + "/toxics/lag", null).status()).isEqualTo(404);
        assertThat(call("POST", "/connections/" + id + "/reset", null).status()).isEqualTo(404);
        assertThat(call("GET", "/proxies/echo/toxics", null).json()).isEmpty();   // nothing leaked to the proxy
    }
}
