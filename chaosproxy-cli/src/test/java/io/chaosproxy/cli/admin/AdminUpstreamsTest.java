package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.Route;
import io.chaosproxy.cli.admin.AdminClient.Answer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Proxies of several upstreams through the admin API: {@code upstreams} beside Toxiproxy's {@code upstream} on
 * create, populate and update, per-upstream state in {@code GET}, {@code /metrics} and {@code /connections}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminUpstreamsTest extends AdminServerFixture {
    private EchoServer other;

    @BeforeEach
    void startSecondUpstream() throws IOException {
        other = new EchoServer();
    }

    @AfterEach
    void stopSecondUpstream() throws IOException {
        other.close();
    }

    private String pair() {
        return "[\"" + upstream.address() + "\",\"" + other.address() + "\"]";
    }

    private Answer createApp(String upstreamFields) throws Exception {
        return api.call("POST", "/proxies", "{\"name\":\"app\",\"listen\":\"127.0.0.1:0\"," + upstreamFields + "}");
    }

    private static void roundTrips(int port, int connections) throws IOException {
        for (int i = 0; i < connections; i++) {
            try (Conn conn = new Conn(port)) {
                conn.roundTrip("ping" + i);
            }
        }
    }

    @Test
    void aProxyWithUpstreamsSpreadsItsConnectionsAndShowsEveryTarget() throws Exception {
        Answer created = createApp("\"upstreams\":" + pair());
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("upstream").asText()).isEqualTo(upstream.address());   // the first target
        assertThat(created.json().get("upstreams").toString()).isEqualTo(pair());

        roundTrips(Conn.portOf(created.json().get("listen").asText()), 4);

        assertThat(upstream.accepted()).isEqualTo(2);   // round robin, the default
        assertThat(other.accepted()).isEqualTo(2);
        JsonNode state = api.call("GET", "/proxies/app", null).json().get("upstream_state");
        assertThat(state).hasSize(2);
        assertThat(state.get(0).get("upstream").asText()).isEqualTo(upstream.address());
        assertThat(state.get(1).get("upstream").asText()).isEqualTo(other.address());
        for (JsonNode target : state) {
            assertThat(target.get("connections_total").asLong()).isEqualTo(2);
            assertThat(target.get("healthy").asBoolean()).isTrue();
            assertThat(target.get("breaker_open").asBoolean()).isFalse();
            assertThat(target.get("connect_failures").asLong()).isZero();
        }
        assertThat(api.call("GET", "/proxies", null).json().get("app").get("upstreams").toString()).isEqualTo(pair());
    }

    @Test
    void upstreamAndUpstreamsMayBothBeGivenWhenTheyAgree() throws Exception {
        Answer created = createApp("\"upstream\":\"" + upstream.address() + "\",\"upstreams\":" + pair());
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("upstreams")).hasSize(2);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"upstream\":\"127.0.0.1:9\",\"upstreams\":[\"127.0.0.1:8\",\"127.0.0.1:9\"] | upstream \"127.0.0.1:9\" is not the first of upstreams",
        "\"upstreams\":[] | upstreams is empty",
        "\"upstreams\":\"127.0.0.1:9\" | upstreams: \"127.0.0.1:9\" is a string; expected an array",
        "\"upstreams\":[\"127.0.0.1:9\",9] | upstreams[1]: 9 is a number",
        "\"upstreams\":[\"127.0.0.1:9\",\" \"] | upstreams[1] is empty",
        "\"upstreams\":[\"127.0.0.1:9\",\"nocolon\"] | nocolon",
        "\"upstreams\":null | missing required field: upstream",
    })
    void badUpstreamsAreA400AndCreateNothing(String fields, String message) throws Exception {
        Answer answer = createApp(fields);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).contains(message);
        assertThat(api.get("/proxies")).isEqualTo("{}\n");
    }

    @Test
    void populateTakesUpstreamsAndNamesTheEntryOfADisagreement() throws Exception {
        Answer bad = api.call("POST", "/populate", "[{\"name\":\"app\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + other.address() + "\",\"upstreams\":" + pair() + "}]");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).startsWith("proxy 0.upstream \"" + other.address()
                + "\" is not the first of upstreams");

        String entry = "[{\"name\":\"app\",\"listen\":\"127.0.0.1:0\",\"upstreams\":" + pair() + "}]";
        Answer created = api.call("POST", "/populate", entry);
        assertThat(created.status()).isEqualTo(201);
        JsonNode app = created.json().get("proxies").get(0);
        assertThat(app.get("upstreams").toString()).isEqualTo(pair());
        String listen = app.get("listen").asText();
        roundTrips(Conn.portOf(listen), 2);
        assertThat(upstream.accepted()).isEqualTo(1);
        assertThat(other.accepted()).isEqualTo(1);

        // The same list, or Toxiproxy's upstream alone naming the first target, keeps the proxy and its connections.
        try (Conn live = new Conn(Conn.portOf(listen))) {
            live.roundTrip("before");
            for (String same : List.of("\"upstreams\":" + pair(), "\"upstream\":\"" + upstream.address() + "\"")) {
                Answer kept = api.call("POST", "/populate", "[{\"name\":\"app\",\"listen\":\"" + listen + "\","
                        + same + "}]");
                assertThat(kept.status()).isEqualTo(201);
                assertThat(kept.json().get("proxies").get(0).get("upstreams").toString()).isEqualTo(pair());
            }
            live.roundTrip("after");
            // Another list replaces it.
            Answer replaced = api.call("POST", "/populate", "[{\"name\":\"app\",\"listen\":\"" + listen + "\","
                    + "\"upstreams\":[\"" + other.address() + "\"]}]");
            assertThat(replaced.json().get("proxies").get(0).get("upstreams")).hasSize(1);
            assertThat(live.millisToEnd()).isNotNull();   // cut, as a replaced Toxiproxy proxy's are
        }
    }

    @Test
    void updatingUpstreamsReplacesTheRouteKeepingItsToxicsAndPorts() throws Exception {
        Route before = chaos.addRoute(0, upstream.address(), r -> r.name("app").alsoListen(0));
        List<Integer> ports = before.localPorts();
        api.call("POST", "/proxies/app/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":1}}");

        Answer updated = api.call("PATCH", "/proxies/app", "{\"upstreams\":" + pair() + "}");

        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("upstream").asText()).isEqualTo(upstream.address());
        assertThat(updated.json().get("upstreams").toString()).isEqualTo(pair());
        assertThat(updated.json().get("toxics").get(0).get("name").asText()).isEqualTo("latency_downstream");
        assertThat(chaos.route("app").localPorts()).isEqualTo(ports);
        roundTrips(ports.get(1), 2);   // the second port serves, by both upstreams
        assertThat(upstream.accepted()).isEqualTo(1);
        assertThat(other.accepted()).isEqualTo(1);
    }

    @Test
    void updatingUpstreamsKeepsTheRoutesPoolSettingsAndTheFaultsOfUpstreamsThatStay() throws Exception {
        chaos.addRoute(0, List.of(upstream.address(), other.address()), r -> r.name("app")
                .balancing(io.chaosproxy.Balancing.LEAST_CONNECTIONS).maxConnections(1)
                .upstreamFault(upstream.address(), io.chaosproxy.Fault.latency(java.time.Duration.ofMillis(1))
                        .named("slow_first")));
        Answer updated = api.call("PATCH", "/proxies/app", "{\"upstreams\":[\"" + upstream.address() + "\"]}");
        assertThat(updated.status()).isEqualTo(200);
        Route after = chaos.route("app");
        assertThat(after.upstreams()).hasSize(1);
        assertThat(after.upstream(upstream.address()).faults()).extracting(io.chaosproxy.Fault::name)
                .containsExactly("slow_first");
        try (Conn held = new Conn(after.localPort())) {
            held.roundTrip("one");
            try (Conn refused = new Conn(after.localPort())) {   // maxConnections 1 kept: closed at once
                refused.millisToEnd();   // returns at its end (FIN or RST); a served connection would time out
            }
        }
        assertThat(after.metrics().connectionsRefusedByLimit()).isEqualTo(1);
    }

    @Test
    void toxiproxysUpstreamAloneKeepsTheListWhenItNamesTheFirstTargetAndReplacesItOtherwise() throws Exception {
        int port = Conn.portOf(createApp("\"upstreams\":" + pair()).json().get("listen").asText());
        try (Conn live = new Conn(port)) {
            live.roundTrip("one");
            Answer same = api.call("POST", "/proxies/app", "{\"upstream\":\"" + upstream.address() + "\"}");
            assertThat(same.json().get("upstreams").toString()).isEqualTo(pair());
            live.roundTrip("two");   // nothing changed: the connection lives on

            Answer moved = api.call("POST", "/proxies/app", "{\"upstream\":\"" + other.address() + "\"}");
            assertThat(moved.status()).isEqualTo(200);
            assertThat(moved.json().get("upstream").asText()).isEqualTo(other.address());
            assertThat(moved.json().get("upstreams").toString()).isEqualTo("[\"" + other.address() + "\"]");
        }
        int accepted = upstream.accepted();
        roundTrips(port, 3);
        assertThat(upstream.accepted()).isEqualTo(accepted);
    }

    @Test
    void aBadUpstreamsUpdateLeavesTheProxyAndItsConnectionsAlone() throws Exception {
        int port = Conn.portOf(createApp("\"upstreams\":" + pair()).json().get("listen").asText());
        try (Conn live = new Conn(port)) {
            live.roundTrip("one");
            for (String body : List.of("{\"upstreams\":[\"" + other.address() + "\",\"nocolon\"]}",
                    "{\"upstream\":\"" + other.address() + "\",\"upstreams\":" + pair() + "}",
                    "{\"upstreams\":[]}")) {
                assertThat(api.call("PATCH", "/proxies/app", body).status()).as(body).isEqualTo(400);
            }
            live.roundTrip("two");
        }
        assertThat(api.call("GET", "/proxies/app", null).json().get("upstreams").toString()).isEqualTo(pair());
    }

    @Test
    void metricsCountEachUpstreamAndTheClientsNoneServed() throws Exception {
        String dead = "127.0.0.1:" + closedPort();
        int port = Conn.portOf(createApp("\"upstreams\":[\"" + dead + "\",\"" + other.address() + "\"]")
                .json().get("listen").asText());
        int gone = Conn.portOf(api.call("POST", "/proxies", "{\"name\":\"gone\",\"listen\":\"127.0.0.1:0\","
                + "\"upstream\":\"" + dead + "\"}").json().get("listen").asText());
        Route limited = chaos.addRoute(0, upstream.address(), r -> r.name("limited").maxConnections(1));

        try (Conn served = new Conn(port); Conn held = new Conn(limited.localPort())) {
            served.roundTrip("failed over");   // the dead target first, then the live one
            held.roundTrip("the one allowed");
            assertClosedAtOnce(limited.localPort());
            assertClosedAtOnce(gone);
            await().untilAsserted(() -> assertThat(api.get("/metrics"))
                    .containsPattern(sample("chaosproxy_upstream_connect_failures_total", "app", dead, 1))
                    .containsPattern(sample("chaosproxy_upstream_connections_total", "app", dead, 0))
                    .containsPattern(sample("chaosproxy_upstream_connections_total", "app", other.address(), 1))
                    .containsPattern(sample("chaosproxy_upstream_connections_active", "app", other.address(), 1))
                    .containsPattern(sample("chaosproxy_upstream_healthy", "app", dead, 1))
                    .containsPattern(sample("chaosproxy_upstream_breaker_open", "app", dead, 0))
                    .containsPattern(sample("chaosproxy_connections_no_upstream_total{proxy=\"gone\"}", 1))
                    .containsPattern(sample("chaosproxy_connections_no_upstream_total{proxy=\"app\"}", 0))
                    .containsPattern(sample("chaosproxy_connections_refused_by_limit_total{proxy=\"limited\"}", 1)));
        }
    }

    @Test
    void connectionsShowTheirUpstreamAsGivenBesideTheAddress() throws Exception {
        String named = "localhost:" + upstream.port();
        int port = Conn.portOf(createApp("\"upstreams\":[\"" + named + "\",\"" + other.address() + "\"]")
                .json().get("listen").asText());
        List<Conn> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Conn conn = new Conn(port);
                open.add(conn);
                conn.roundTrip("hold" + i);
            }
            JsonNode live = api.call("GET", "/connections?proxy=app", null).json();
            assertThat(live).hasSize(2);
            assertThat(live.get(0).get("upstream").asText()).isEqualTo(named);
            assertThat(live.get(0).get("upstream_address").asText()).endsWith(":" + upstream.port())
                    .doesNotStartWith("localhost");
            assertThat(live.get(1).get("upstream").asText()).isEqualTo(other.address());
            assertThat(live.get(1).get("upstream_address").asText()).isEqualTo(other.address());
        } finally {
            for (Conn conn : open) {
                conn.close();
            }
        }
    }

    private static void assertClosedAtOnce(int port) throws IOException {
        try (Conn conn = new Conn(port)) {
            assertThat(conn.read(1)).isEmpty();
        } catch (SocketException reset) {
            // a reset is as good an answer here
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return server.getLocalPort();
        }
    }

    private static String sample(String name, String proxy, String upstream, long value) {
        return sample(name + "{proxy=\"" + proxy + "\",upstream=\"" + upstream + "\"}", value);
    }

    /** A whole line of Prometheus text: the name with its labels, then the value (1 or 1.0). */
    private static String sample(String nameAndLabels, long value) {
        return "(?m)^" + Pattern.quote(nameAndLabels) + " " + value + "(\\.0)?$";
    }
}
