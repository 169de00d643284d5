package io.chaosproxy.cli.trixter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.cli.trixter.TrixterRun.Client;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every command of Trixter's README, pasted as it is there, run against our CLI in-process: the binary's name
 * swapped for {@code Main}, curl for an HTTP client ({@link Curl}), and the README's fixed ports for free ones
 * (8080 and 8888 become ephemeral ports, 8181 the test's upstream).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TrixterRecipesTest {
    private static final String QUICK_START = """
            RUST_LOG=info \\
            ./target/release/trixter \\
              --listen 0.0.0.0:8080 \\
              --upstream 127.0.0.1:8181 \\
              --api 127.0.0.1:8888 \\
              --delay-ms 0 \\
              --throttle-rate-bytes 0 \\
              --slice-size-bytes 0 \\
              --corrupt-probability-rate 0.0 \\
              --terminate-probability-rate 0.0 \\
              --connection-duration-ms 0
            """;
    private static final String TIMEBOX = """
            ./trixter \\
              --listen 0.0.0.0:8080 \\
              --upstream 127.0.0.1:8181 \\
              --api 127.0.0.1:8888 \\
              --connection-duration-ms 5000
            """;
    private static final String LIST = "curl -s localhost:8888/connections | jq -r '.[0].conn_info.id'";

    @Test
    void theQuickStartAndEveryApiExampleWorkAsWritten() throws Exception {
        try (Upstream upstream = Upstream.echo(); TrixterRun trixter = start(QUICK_START, upstream)) {
            assertThat(trixter.out()).containsPattern("random seed: \\d+");
            // Every interface: the JDK names the wildcard as IPv6's on a dual-stack host.
            assertThat(trixter.running().proxy().route(TrixterMode.ROUTE).localAddress().getAddress()
                    .isAnyLocalAddress()).isTrue();
            assertThat(trixter.out()).contains("route trixter listening on ", ":" + trixter.port() + " -> "
                    + upstream.address());
            Curl curl = curl(trixter);
            HttpResponse<String> health = curl.run("curl -s http://127.0.0.1:8888/health", Map.of());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok");
            try (Client client = trixter.connect(); Client other = trixter.connect()) {
                assertThat(TrixterKnobsTest.roundTripMillis(client.socket())).isLessThan(1000L);
                HttpResponse<String> list = curl.run("curl -s http://127.0.0.1:8888/connections | jq", Map.of());
                assertThat(list.statusCode()).isEqualTo(200);
                Map<String, String> id = Map.of("ID", firstId(curl));
                assertThat(id.get("ID")).isEqualTo(client.id());
                for (String command : List.of("""
                        curl -i -X PATCH \\
                          http://127.0.0.1:8888/connections/$ID/delay \\
                          -H 'Content-Type: application/json' \\
                          -d '{"delay_ms":250}'
                        """, """
                        curl -i -X PATCH \\
                          http://127.0.0.1:8888/connections/$ID/delay \\
                          -H 'Content-Type: application/json' \\
                          -d '{"delay_ms":0}'
                        """, """
                        curl -i -X PATCH \\
                          http://127.0.0.1:8888/connections/$ID/throttle \\
                          -H 'Content-Type: application/json' \\
                          -d '{"rate_bytes":10240}'  # 10 KiB/s
                        """, """
                        curl -i -X PATCH \\
                          http://127.0.0.1:8888/connections/$ID/slice \\
                          -H 'Content-Type: application/json' \\
                          -d '{"size_bytes":512}'
                        """, """
                        curl -i -X PATCH \\
                          http://127.0.0.1:8888/connections/$ID/termination \\
                          -H 'Content-Type: application/json' \\
                          -d '{"probability_rate":0.05}'
                        """, """
                        curl -i -X PATCH \\
                          http://127.0.0.1:8888/connections/$ID/corruption \\
                          -H 'Content-Type: application/json' \\
                          -d '{"probability_rate":0.01}'
                        """, """
                        curl -i -X PATCH \\
                          http://127.0.0.1:8888/connections/$ID/corruption \\
                          -H 'Content-Type: application/json' \\
                          -d '{"probability_rate":0.0}'
                        """)) {
                    assertThat(curl.run(command, id).statusCode()).as(command).isEqualTo(202);
                }
                JsonNode status = TrixterApiTest.find(trixter.connections(), client.id());
                assertThat(status.get("delay").toString()).isEqualTo("{\"secs\":0,\"nanos\":0}");
                assertThat(status.get("throttle_rate").asLong()).isEqualTo(10240);
                assertThat(status.get("slice_size").asLong()).isEqualTo(512);
                assertThat(status.get("terminate_probability_rate").asDouble()).isEqualTo(0.05);
                assertThat(status.get("corrupt_probability_rate").asDouble()).isZero();
                assertThat(curl.run("""
                        curl -i -X POST \\
                          http://127.0.0.1:8888/connections/$ID/shutdown \\
                          -H 'Content-Type: application/json' \\
                          -d '{"reason":"test teardown"}'
                        """, id).statusCode()).isEqualTo(202);
                assertThat(TrixterKnobsTest.endOf(client.socket())).isTrue();
                assertThat(TrixterApiTest.ids(trixter.connections())).containsExactly(other.id());
                assertThat(curl.run("""
                        curl -i -X POST \\
                          http://127.0.0.1:8888/connections/_all/shutdown \\
                          -H 'Content-Type: application/json' \\
                          -d '{"reason":"test teardown"}'
                        """, id).statusCode()).isEqualTo(202);
                assertThat(TrixterKnobsTest.endOf(other.socket())).isTrue();
                assertThat(trixter.connections()).isEmpty();
                assertThat(trixter.out()).contains("trixter conn=" + client.id() + " ",
                        "trixter conn=" + other.id() + " ", "shutdown reason=\"test teardown\"");
            }
        }
    }

    @Test
    void shakyMobileLink() throws Exception {
        byte[] data = TrixterKnobsTest.randomBytes(65536);
        try (Upstream upstream = Upstream.echo(); TrixterRun trixter = start(QUICK_START, upstream);
                Client client = trixter.connect()) {
            Curl curl = curl(trixter);
            Map<String, String> id = Map.of("ID", firstId(curl));
            assertThat(curl.run("""
                    curl -s -X PATCH localhost:8888/connections/$ID/delay    \\
                      -H 'Content-Type: application/json' -d '{"delay_ms":250}'
                    """, id).statusCode()).isEqualTo(202);
            assertThat(curl.run("""
                    curl -s -X PATCH localhost:8888/connections/$ID/throttle \\
                      -H 'Content-Type: application/json' -d '{"rate_bytes":65536}'
                    """, id).statusCode()).isEqualTo(202);
            // 250 ms each way; 64 KiB each way at 64 KiB/s (both directions run at once).
            assertThat(TrixterKnobsTest.roundTripMillis(client.socket())).isBetween(500L, 2000L);
            long start = System.nanoTime();
            assertThat(TrixterKnobsTest.echo(client.socket(), data)).isEqualTo(data);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(900L, 4000L);
        }
    }

    @Test
    void forceTinyPackets() throws Exception {
        byte[] data = TrixterKnobsTest.randomBytes(160 * 256);
        try (Upstream upstream = Upstream.sendsOnRequest(data); TrixterRun trixter = start(QUICK_START, upstream);
                Client client = trixter.connect()) {
            Curl curl = curl(trixter);
            assertThat(curl.run("""
                    curl -s -X PATCH localhost:8888/connections/$ID/slice \\
                      -H 'Content-Type: application/json' -d '{"size_bytes":256}'
                    """, Map.of("ID", firstId(curl))).statusCode()).isEqualTo(202);
            client.socket().getOutputStream().write('!');
            Transfer download = Transfer.read(client.socket().getInputStream());
            assertThat(download.bytes()).isEqualTo(data);
            // Reads end only where slices do (how many reads the 160 slices take is up to the reader's speed:
            // TrixterKnobsTest counts them with 10,000 slices); the connection has a 256-byte slicer both ways.
            assertThat(download.reads().subList(0, download.reads().size() - 1))
                    .allSatisfy(read -> assertThat(read % 256).as("read of %d bytes", read).isZero());
            assertThat(trixter.running().proxy().route(TrixterMode.ROUTE).connections().get(0).faults())
                    .singleElement().isEqualTo(Fault.slicer(256, 0, Duration.ZERO).direction(Direction.BOTH)
                            .named("trixter_slice"));
        }
    }

    @Test
    void introduceFlakiness() throws Exception {
        try (Upstream upstream = Upstream.echo(); TrixterRun trixter = start(QUICK_START, upstream);
                Client client = trixter.connect()) {
            Curl curl = curl(trixter);
            assertThat(curl.run("""
                    curl -s -X PATCH localhost:8888/connections/$ID/termination \\
                      -H 'Content-Type: application/json' -d '{"probability_rate":0.05}'
                    """, Map.of("ID", firstId(curl))).statusCode()).isEqualTo(202);
            int trips = TrixterKnobsTest.pingUntilReset(client.socket(), 1000);   // 2 writes a trip: ~10 expected
            System.out.println("FLAKINESS trixter 5% reset after " + trips + " round trips");
        }
    }

    @Test
    void addDataCorruption() throws Exception {
        try (Upstream upstream = Upstream.echo(); TrixterRun trixter = start(QUICK_START, upstream);
                Client client = trixter.connect()) {
            Curl curl = curl(trixter);
            assertThat(curl.run("""
                    curl -s -X PATCH localhost:8888/connections/$ID/corruption \\
                      -H 'Content-Type: application/json' -d '{"probability_rate":0.01}'
                    """, Map.of("ID", firstId(curl))).statusCode()).isEqualTo(202);
            int trips = pingUntilCorrupted(client.socket(), 5000);   // 2 writes a trip: ~50 expected
            System.out.println("CORRUPTION trixter 1% first corrupted echo after " + trips + " round trips");
        }
    }

    @Test
    void timeboxAConnectionToFiveSecondsAtStartup() throws Exception {
        try (Upstream upstream = Upstream.echo(); TrixterRun trixter = start(TIMEBOX, upstream);
                Client client = trixter.connect()) {
            long start = System.nanoTime();
            assertThat(TrixterKnobsTest.roundTripMillis(client.socket())).isLessThan(1000L);
            assertThatThrownBy(() -> client.socket().getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(4000L, 10_000L);
        }
    }

    @Test
    void killTheSlowpoke() throws Exception {
        try (Upstream upstream = Upstream.echo(); TrixterRun trixter = start(QUICK_START, upstream);
                Client client = trixter.connect()) {
            Curl curl = curl(trixter);
            assertThat(curl.run("""
                    curl -s -X POST localhost:8888/connections/$ID/shutdown \\
                      -H 'Content-Type: application/json' -d '{"reason":"too slow"}'
                    """, Map.of("ID", firstId(curl))).statusCode()).isEqualTo(202);
            assertThat(TrixterKnobsTest.endOf(client.socket())).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> trixter.connections().isEmpty());
            assertThat(trixter.out()).contains("trixter conn=" + client.id() + " ", "shutdown reason=\"too slow\"");
        }
    }

    /** The README's command line with the binary's name (and RUST_LOG) left out and the fixed ports replaced. */
    private static TrixterRun start(String command, Upstream upstream) throws Exception {
        List<String> words = Curl.words(command.replace("\\\n", " "));
        String[] args = words.stream().filter(word -> !word.startsWith("RUST_LOG=") && !word.endsWith("trixter"))
                .map(word -> word.replace("0.0.0.0:8080", "0.0.0.0:0").replace("127.0.0.1:8888", "127.0.0.1:0")
                        .replace("127.0.0.1:8181", upstream.address()))
                .toArray(String[]::new);
        assertThat(args[0]).isEqualTo("--listen");
        return TrixterRun.start(args);
    }

    private static Curl curl(TrixterRun trixter) {
        return new Curl(trixter.api().substring("http://".length()));
    }

    /** {@code ID=$(curl -s localhost:8888/connections | jq -r '.[0].conn_info.id')}. */
    private static String firstId(Curl curl) throws Exception {
        JsonNode list = TrixterRun.JSON.readTree(curl.run(LIST, Map.of()).body());
        return list.get(0).get("conn_info").get("id").asText();
    }

    /** Round trips of 64 bytes until an echo differs from what was sent; how many came back whole. */
    private static int pingUntilCorrupted(Socket socket, int most) throws IOException {
        byte[] message = TrixterKnobsTest.randomBytes(64);
        byte[] answer = new byte[64];
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        for (int trip = 0; trip < most; trip++) {
            out.write(message);
            assertThat(in.readNBytes(answer, 0, answer.length)).isEqualTo(answer.length);
            if (!Arrays.equals(answer, message)) {
                return trip;
            }
        }
        throw new AssertionError("no corrupted echo in " + most + " round trips");
    }
}
