package io.chaosproxy.cli.attack12;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Route;
import io.chaosproxy.cli.admin.AdminServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin API's per-connection endpoints against live connections: every call racing the connection's close
 * (never a 5xx, nothing left behind), toxicity decisions kept or rolled again by an update, a toxic removed while it
 * holds bytes (they move on, in order), and a proxy's toxic under a name the connection uses.
 */
@Timeout(60)
class ConnectionToxicsAttackTest {
    private Echo upstream;
    private ChaosProxy proxy;
    private AdminServer admin;
    private Http api;
    private Route route;

    @BeforeEach
    void start() throws IOException {
        upstream = new Echo();
        proxy = ChaosProxy.builder().seed(12).shutdownTimeout(Duration.ZERO).allowNoRoutes().start();
        admin = AdminServer.start(proxy, new InetSocketAddress("127.0.0.1", 0));
        api = new Http(admin.url());
        HttpResponse<String> created = api.post("/proxies", "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\","
                + "\"upstream\":\"" + upstream.address() + "\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        route = proxy.route("echo");
    }

    @AfterEach
    void stop() throws IOException {
        admin.close();
        proxy.close();
        upstream.close();
    }

    @Test
    void everyCallRacingTheConnectionsCloseAnswersWithoutA5xxAndLeavesNothing() throws Exception {
        Set<String> answers = ConcurrentHashMap.newKeySet();
        ExecutorService threads = Executors.newFixedThreadPool(5);
        try {
            for (int round = 0; round < 25; round++) {
                Socket client = connect();
                String id = idOf(client);
                client.getOutputStream().write(new byte[5000]);
                List<Future<?>> done = new ArrayList<>();
                // The cut comes once this many of the round's 48 calls were answered: it races the rest.
                CountDownLatch answered = new CountDownLatch(new Random(round).nextInt(48));
                for (int t = 0; t < 4; t++) {
                    Random random = new Random(round * 10L + t);
                    done.add(threads.submit(() -> {
                        for (int i = 0; i < 12; i++) {
                            String name = "t" + random.nextInt(3);
                            HttpResponse<String> response = switch (random.nextInt(6)) {
                                case 0 -> api.post("/connections/" + id + "/toxics", "{\"name\":\"" + name
                                        + "\",\"type\":\"latency\",\"stream\":\"upstream\",\"attributes\":{\"latency\":"
                                        + random.nextInt(50) + "}}");
                                case 1 -> api.patch("/connections/" + id + "/toxics/" + name,
                                        "{\"attributes\":{\"latency\":" + random.nextInt(50) + "}}");
                                case 2 -> api.delete("/connections/" + id + "/toxics/" + name);
                                case 3 -> api.get("/connections/" + id + "/toxics");
                                case 4 -> api.get("/connections/" + id + "/toxics/" + name);
                                default -> api.post("/connections/" + id + "/toxics", "{\"name\":\"" + name
                                        + "\",\"type\":\"slicer\",\"attributes\":{\"average_size\":10}}");
                            };
                            answers.add(response.statusCode() + " " + response.body().strip());
                            answered.countDown();
                        }
                    }));
                }
                int cut = round % 3;
                done.add(threads.submit(() -> {
                    try {
                        assertThat(answered.await(30, TimeUnit.SECONDS)).as("calls answered before the cut").isTrue();
                        if (cut == 0) {
                            client.close();
                        } else {
                            HttpResponse<String> response = api.post("/connections/" + id
                                    + (cut == 1 ? "/close" : "/reset"), null);
                            answers.add(response.statusCode() + " " + response.body().strip());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return null;
                }));
                for (Future<?> future : done) {
                    future.get(30, TimeUnit.SECONDS);
                }
                client.close();
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(answers).allSatisfy(answer -> assertThat(answer).doesNotStartWith("5"));
        System.out.println("answers: " + answers.stream().map(a -> a.substring(0, 3)).distinct().sorted().toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> route.connections().isEmpty());
        assertThat(proxy.metrics().bufferedBytes()).isZero();
        assertThat(Http.json(api.get("/connections"))).isEmpty();
    }

    @Test
    void aValueChangeKeepsEachDecisionAndAToxicityChangeRollsAgain() throws Exception {
        List<Socket> clients = new ArrayList<>();
        try {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                Socket client = connect();
                clients.add(client);
                ids.add(idOf(client));
            }
            List<Boolean> first = new ArrayList<>();
            for (String id : ids) {
                HttpResponse<String> added = api.post("/connections/" + id + "/toxics", "{\"name\":\"half\","
                        + "\"type\":\"latency\",\"toxicity\":0.5,\"attributes\":{\"latency\":10}}");
                assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
                first.add(Http.json(added).get("active").asBoolean());
            }
            assertThat(first).contains(true, false);
            assertThat(activeAfter(ids, "{\"attributes\":{\"latency\":20}}")).as("value only").isEqualTo(first);
            assertThat(activeAfter(ids, "{\"toxicity\":0.5,\"attributes\":{\"latency\":30}}"))
                    .as("the same toxicity given again").isEqualTo(first);
            List<Boolean> rolled = activeAfter(ids, "{\"toxicity\":0.6}");
            assertThat(rolled).as("toxicity changed: rolled again").isNotEqualTo(first);
            for (String id : ids) {   // what the API answered is what the connection does
                ChaosConnection connection = connection(id);
                assertThat(connection.faults().stream().anyMatch(f -> f.name().equals("half")))
                        .isEqualTo(rolled.get(ids.indexOf(id)));
                assertThat(Http.json(api.get("/connections/" + id + "/toxics/half")).get("toxicity").asDouble())
                        .isEqualTo(0.6);
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    @Test
    void deletingAToxicThatHoldsBytesLetsThemOnInOrder() throws Exception {
        for (String toxic : List.of(
                "{\"name\":\"hold\",\"type\":\"latency\",\"stream\":\"upstream\",\"attributes\":{\"latency\":30000}}",
                "{\"name\":\"hold\",\"type\":\"bandwidth\",\"stream\":\"upstream\",\"attributes\":{\"rate\":0}}",
                "{\"name\":\"hold\",\"type\":\"timeout\",\"stream\":\"upstream\",\"attributes\":{\"timeout\":0}}",
                "{\"name\":\"hold\",\"type\":\"slicer\",\"stream\":\"upstream\",\"attributes\":{\"average_size\":1,"
                        + "\"delay\":30000000}}")) {
            try (Socket client = connect()) {
                String id = idOf(client);
                assertThat(api.post("/connections/" + id + "/toxics", toxic).statusCode()).isEqualTo(200);
                StringBuilder sent = new StringBuilder();
                for (int i = 0; i < 20; i++) {
                    String message = "message-" + i + ";";
                    sent.append(message);
                    client.getOutputStream().write(message.getBytes(StandardCharsets.US_ASCII));
                }
                ChaosConnection connection = connection(id);
                // Held by the toxic (or, for the blackhole, left unread): not all of it reaches the upstream.
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                        .until(() -> connection.bytesUpstream() < sent.length());

                long deleted = System.nanoTime();
                assertThat(api.delete("/connections/" + id + "/toxics/hold").statusCode()).isEqualTo(204);
                client.shutdownOutput();
                String echoed = new String(readAll(client.getInputStream()), StandardCharsets.US_ASCII);
                assertThat(echoed).as(toxic).isEqualTo(sent.toString());
                assertThat(Duration.ofNanos(System.nanoTime() - deleted)).isLessThan(Duration.ofSeconds(5));
            }
        }
    }

    @Test
    void aProxysToxicUnderTheNameOfAConnectionsOwnReachesItOnceItsOwnIsDeleted() throws Exception {
        try (Socket client = connect()) {
            String id = idOf(client);
            assertThat(api.post("/connections/" + id + "/toxics", "{\"name\":\"x\",\"type\":\"latency\","
                    + "\"attributes\":{\"latency\":1}}").statusCode()).isEqualTo(200);
            HttpResponse<String> proxys = api.post("/proxies/echo/toxics", "{\"name\":\"x\",\"type\":\"slow_close\","
                    + "\"attributes\":{\"delay\":1}}");
            assertThat(proxys.statusCode()).as(proxys.body()).isEqualTo(200);
            assertThat(api.delete("/connections/" + id + "/toxics/x").statusCode()).isEqualTo(204);
            JsonNode toxics = Http.json(api.get("/connections/" + id + "/toxics"));
            assertThat(toxics).extracting(t -> t.get("name").asText() + " " + t.get("type").asText() + " "
                    + t.get("scope").asText()).containsExactly("x slow_close proxy");
        }
    }

    @Test
    void aResetPeerAddedToALiveConnectionResetsItFromThen() throws Exception {
        try (Socket client = connect()) {
            String id = idOf(client);
            long added = System.nanoTime();
            assertThat(api.post("/connections/" + id + "/toxics", "{\"name\":\"cut\",\"type\":\"reset_peer\","
                    + "\"attributes\":{\"timeout\":200}}").statusCode()).isEqualTo(200);
            try {
                client.getInputStream().read();
                throw new AssertionError("a FIN where an RST was due");
            } catch (java.net.SocketException e) {
                assertThat(e.getMessage()).contains("reset");
            }
            assertThat(Duration.ofNanos(System.nanoTime() - added)).isBetween(Duration.ofMillis(150),
                    Duration.ofSeconds(5));
        }
    }

    @Test
    void corruptsModeSurvivesAProbabilityPatchAndAModePatchSwitchesItInPlace() throws Exception {
        try (Socket client = connect()) {
            String id = idOf(client);
            String toxic = "/connections/" + id + "/toxics/garbage";
            assertThat(api.post("/connections/" + id + "/toxics", "{\"name\":\"garbage\",\"type\":\"corrupt\","
                    + "\"stream\":\"upstream\",\"attributes\":{\"probability\":1,\"mode\":\"insert\"}}").statusCode())
                    .isEqualTo(200);
            JsonNode patched = Http.json(api.patch(toxic, "{\"attributes\":{\"probability\":0.5}}"));
            assertThat(patched.get("attributes").get("mode").asText()).isEqualTo("insert");
            assertThat(patched.get("attributes").get("probability").asDouble()).isEqualTo(0.5);
            assertThat(Http.json(api.get(toxic)).get("attributes").get("mode").asText()).isEqualTo("insert");

            byte[] first = "a".repeat(1000).getBytes(StandardCharsets.US_ASCII);
            JsonNode off = Http.json(api.patch(toxic, "{\"attributes\":{\"probability\":0}}"));
            assertThat(off.get("attributes").get("mode").asText()).isEqualTo("insert");
            client.getOutputStream().write(first);
            assertThat(new String(client.getInputStream().readNBytes(first.length), StandardCharsets.US_ASCII))
                    .isEqualTo("a".repeat(1000));
            JsonNode replace = Http.json(api.patch(toxic, "{\"attributes\":{\"mode\":\"replace\",\"probability\":1}}"));
            assertThat(replace.get("attributes").get("mode").asText()).isEqualTo("replace");
            client.getOutputStream().write(first);
            client.shutdownOutput();
            byte[] rest = readAll(client.getInputStream());
            assertThat(rest).as("replaced, not inserted: the same length").hasSize(first.length);
            assertThat(new String(rest, StandardCharsets.US_ASCII)).isNotEqualTo("a".repeat(1000));
        }
    }

    private List<Boolean> activeAfter(List<String> ids, String patch) {
        List<Boolean> active = new ArrayList<>();
        for (String id : ids) {
            HttpResponse<String> response = api.patch("/connections/" + id + "/toxics/half", patch);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            active.add(Http.json(response).get("active").asBoolean());
        }
        return active;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), route.localPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    private String idOf(Socket client) {
        ChaosConnection connection = await().atMost(Duration.ofSeconds(10)).until(() -> route.connections().stream()
                .filter(c -> c.clientAddress().getPort() == client.getLocalPort()).findFirst().orElse(null),
                c -> c != null);
        return Long.toString(connection.id());
    }

    private ChaosConnection connection(String id) {
        return route.connections().stream().filter(c -> Long.toString(c.id()).equals(id)).findFirst().orElseThrow();
    }

    private static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }
}
