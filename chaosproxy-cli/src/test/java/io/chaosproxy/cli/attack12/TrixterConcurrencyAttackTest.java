package io.chaosproxy.cli.attack12;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.cli.trixter.TrixterMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Trixter's API under concurrency, through real sockets: one knob turned from 8 threads while data streams, a
 * shutdown racing the changes, {@code _all} while new connections arrive, and connections that end before or
 * without their upstream. Never a 500, every byte echoed in order, and the list always tells the truth at rest.
 */
@Timeout(120)
class TrixterConcurrencyAttackTest {

    @Test
    void oneKnobFromEightThreadsWhileDataStreamsKeepsEveryByteAndEndsOnTheLastValue() throws Exception {
        try (Echo upstream = new Echo(); Cli cli = Cli.trixter(upstream.address())) {
            Http api = new Http(cli.running().trixter().url());
            try (Socket client = connect(cli)) {
                String id = idOf(cli, client);
                // The client writes until the knobs were turned (at most 32 MiB), keeping a copy, then ends.
                ByteArrayOutputStream written = new ByteArrayOutputStream();
                CompletableFuture<Void> knobsTurned = new CompletableFuture<>();
                CompletableFuture<byte[]> echoed = readAllAsync(client);
                CompletableFuture<Void> writer = io.chaosproxy.cli.Async.runAsync(() -> {
                    try {
                        for (int block = 0; block < 2048 && !knobsTurned.isDone(); block++) {
                            byte[] data = payload(block, 16 * 1024);
                            written.write(data);
                            client.getOutputStream().write(data);
                        }
                        knobsTurned.get(60, TimeUnit.SECONDS);
                        client.shutdownOutput();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                Set<Integer> statuses = ConcurrentHashMap.newKeySet();
                String[] knobs = {"delay", "slice", "throttle"};
                String[] bodies = {"{\"delay_ms\":%d}", "{\"size_bytes\":%d}", "{\"rate_bytes\":%d}"};
                long[][] values = {{0, 1, 5, 20}, {0, 100, 700, 100_000}, {0, 50_000_000, 100_000_000, 200_000_000}};
                ExecutorService threads = Executors.newFixedThreadPool(8);
                try {
                    for (int k = 0; k < knobs.length; k++) {
                        int knob = k;
                        List<Future<?>> done = new ArrayList<>();
                        for (int t = 0; t < 8; t++) {
                            Random random = new Random(t * 31L + knob);
                            done.add(threads.submit(() -> {
                                for (int i = 0; i < 15; i++) {
                                    long value = values[knob][random.nextInt(values[knob].length)];
                                    statuses.add(api.patch("/connections/" + id + "/" + knobs[knob],
                                            bodies[knob].formatted(value)).statusCode());
                                }
                            }));
                        }
                        for (Future<?> future : done) {
                            future.get(60, TimeUnit.SECONDS);
                        }
                        // At rest the list and the connection's faults agree, whatever order the threads ran in.
                        JsonNode status = statusOf(api, id);
                        long shown = knob == 0 ? status.path("delay").path("nanos").asLong() / 1_000_000
                                + status.path("delay").path("secs").asLong() * 1000
                                : status.path(knob == 1 ? "slice_size" : "throttle_rate").asLong();
                        ChaosConnection connection = connectionOf(cli, id);
                        List<Fault> own = connection.ownFaults().stream()
                                .filter(f -> f.name().equals("trixter_" + knobs[knob])).toList();
                        assertThat(own).as("%s shown as %d; the connection's faults: %s", knobs[knob], shown,
                                connection.ownFaults()).hasSize(shown == 0 ? 0 : 1);
                    }
                    assertThat(api.patch("/connections/" + id + "/delay", "{\"delay_ms\":0}").statusCode())
                            .isEqualTo(202);
                    assertThat(api.patch("/connections/" + id + "/throttle", "{\"rate_bytes\":0}").statusCode())
                            .isEqualTo(202);
                    assertThat(api.patch("/connections/" + id + "/slice", "{\"size_bytes\":0}").statusCode())
                            .isEqualTo(202);
                } finally {
                    threads.shutdownNow();
                    knobsTurned.complete(null);
                }
                writer.get(60, TimeUnit.SECONDS);
                byte[] got = echoed.get(60, TimeUnit.SECONDS);
                System.out.printf("streamed %d KiB while the knobs turned%n", got.length >> 10);
                assertThat(got).isEqualTo(written.toByteArray());
                assertThat(statuses).containsOnly(202);
            }
        }
    }

    @Test
    void shutdownRacingChangesAnswersOnly202Or404AndLeavesNothing() throws Exception {
        try (Echo upstream = new Echo(); Cli cli = Cli.trixter(upstream.address())) {
            Http api = new Http(cli.running().trixter().url());
            Route route = cli.running().proxy().route(TrixterMode.ROUTE);
            Set<String> answers = ConcurrentHashMap.newKeySet();
            ExecutorService threads = Executors.newFixedThreadPool(9);
            try {
                for (int round = 0; round < 15; round++) {
                    try (Socket client = connect(cli)) {
                        String id = idOf(cli, client);
                        client.getOutputStream().write(new byte[1000]);
                        List<Future<?>> done = new ArrayList<>();
                        for (int t = 0; t < 8; t++) {
                            String knob = List.of("delay", "slice", "termination", "corruption").get(t % 4);
                            String body = switch (knob) {
                                case "delay" -> "{\"delay_ms\":" + (t * 7 + round) + "}";
                                case "slice" -> "{\"size_bytes\":" + (t + 1) + "}";
                                default -> "{\"probability_rate\":0.0" + t + "}";
                            };
                            done.add(threads.submit(() -> {
                                for (int i = 0; i < 5; i++) {
                                    HttpResponse<String> response = api.patch("/connections/" + id + "/" + knob,
                                            body);
                                    answers.add(knob + " " + response.statusCode() + " " + response.body());
                                }
                            }));
                        }
                        done.add(threads.submit(() -> {
                            HttpResponse<String> response = api.post("/connections/" + id + "/shutdown",
                                    "{\"reason\":\"race " + id + "\"}");
                            answers.add("shutdown " + response.statusCode() + " " + response.body());
                        }));
                        for (Future<?> future : done) {
                            future.get(60, TimeUnit.SECONDS);
                        }
                        assertThat(api.post("/connections/" + id + "/shutdown", "{\"reason\":\"again\"}")
                                .statusCode()).isEqualTo(404);
                        assertThat(api.patch("/connections/" + id + "/delay", "{\"delay_ms\":1}").statusCode())
                                .isEqualTo(404);
                    }
                }
            } finally {
                threads.shutdownNow();
            }
            assertThat(answers).allSatisfy(answer -> assertThat(answer).matches(
                    "\\w+ (202 |404 \\{\"error\":\"connection not found\"\\})"));
            await().atMost(Duration.ofSeconds(10)).until(() -> route.connections().isEmpty());
            assertThat(Http.json(api.get("/connections"))).isEmpty();
            assertThat(cli.running().proxy().metrics().bufferedBytes()).isZero();
            assertThat(cli.out()).contains("shutdown reason=\"race ");
        }
    }

    @Test
    void shutdownOfAllWhileNewConnectionsArriveLeavesAListThatTellsTheTruth() throws Exception {
        try (Echo upstream = new Echo(); Cli cli = Cli.trixter(upstream.address(), "--delay-ms", "5")) {
            Http api = new Http(cli.running().trixter().url());
            Route route = cli.running().proxy().route(TrixterMode.ROUTE);
            List<Socket> clients = new CopyOnWriteArrayList<>();
            AtomicBoolean opening = new AtomicBoolean(true);
            CompletableFuture<Void> opener = io.chaosproxy.cli.Async.runAsync(() -> {
                try {
                    for (int i = 0; i < 150; i++) {
                        Socket socket = new Socket(InetAddress.getLoopbackAddress(), route.localPort());
                        socket.getOutputStream().write(1);
                        clients.add(socket);
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                } finally {
                    opening.set(false);
                }
            });
            Set<Integer> statuses = ConcurrentHashMap.newKeySet();
            while (opening.get()) {
                statuses.add(api.post("/connections/_all/shutdown", "{\"reason\":\"sweep\"}").statusCode());
            }
            opener.get(60, TimeUnit.SECONDS);
            assertThat(statuses).containsOnly(202);
            // What is still listed is exactly what is still open on the proxy.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(ids(api))
                    .isEqualTo(route.connections().stream().map(c -> Long.toString(c.id())).toList()));
            assertThat(api.post("/connections/_all/shutdown", "{\"reason\":\"last\"}").statusCode()).isEqualTo(202);
            assertThat(ids(api)).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> route.connections().isEmpty());
            for (Socket client : clients) {
                client.close();
            }
            assertThat(cli.running().proxy().metrics().activeConnections()).isZero();
        }
    }

    @Test
    void aConnectionWhoseUpstreamRefusesLeavesTheList() throws Exception {
        int closedPort;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = taken.getLocalPort();
        }
        try (Cli cli = Cli.trixter("127.0.0.1:" + closedPort, "--delay-ms", "50")) {
            Http api = new Http(cli.running().trixter().url());
            Route route = cli.running().proxy().route(TrixterMode.ROUTE);
            for (int i = 0; i < 20; i++) {
                try (Socket client = connect(cli)) {
                    client.getOutputStream().write(1);
                    client.getInputStream().read();   // closed by the proxy: the upstream refused
                } catch (IOException e) {
                    // a reset says the same
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> route.connections().isEmpty());
            assertThat(Http.json(api.get("/connections"))).isEmpty();
        }
    }

    @Test
    void requestsStalledMidBodyDoNotHoldUpTheExit() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        long stopping;
        try (Echo upstream = new Echo()) {
            Cli cli = Cli.trixter(upstream.address());
            int port = cli.running().trixter().address().getPort();
            for (int i = 0; i < 6; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                socket.getOutputStream().write(("PATCH /connections/1/delay HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 50\r\n\r\n{\"de").getBytes());
                stalled.add(socket);
            }
            stopping = System.nanoTime();
            cli.close();   // exits 0, as after a signal
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(thread -> thread.getName().startsWith("trixter-api")));
    }

    private static Socket connect(Cli cli) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(),
                cli.running().proxy().route(TrixterMode.ROUTE).localPort());
        socket.setSoTimeout(30_000);
        return socket;
    }

    private static String idOf(Cli cli, Socket client) throws Exception {
        Route route = cli.running().proxy().route(TrixterMode.ROUTE);
        ChaosConnection connection = await().atMost(Duration.ofSeconds(10)).until(() -> route.connections().stream()
                .filter(c -> c.clientAddress().getPort() == client.getLocalPort()).findFirst().orElse(null),
                c -> c != null);
        return Long.toString(connection.id());
    }

    private static ChaosConnection connectionOf(Cli cli, String id) throws Exception {
        return cli.running().proxy().route(TrixterMode.ROUTE).connections().stream()
                .filter(c -> Long.toString(c.id()).equals(id)).findFirst().orElseThrow();
    }

    private static JsonNode statusOf(Http api, String id) {
        for (JsonNode status : Http.json(api.get("/connections"))) {
            if (status.path("conn_info").path("id").asText().equals(id)) {
                return status;
            }
        }
        throw new AssertionError("connection " + id + " is not listed");
    }

    private static List<String> ids(Http api) {
        List<String> ids = new ArrayList<>();
        Http.json(api.get("/connections")).forEach(status -> ids.add(status.path("conn_info").path("id").asText()));
        return ids;
    }

    private static byte[] payload(long seed, int size) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static CompletableFuture<byte[]> readAllAsync(Socket socket) {
        return io.chaosproxy.cli.Async.supplyAsync(() -> {
            try {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                socket.getInputStream().transferTo(all);
                return all.toByteArray();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
