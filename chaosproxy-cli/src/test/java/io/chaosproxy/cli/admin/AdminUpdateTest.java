package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.cli.admin.AdminClient.Answer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Updates of proxies and toxics: they change what the request names and nothing else, and one that fails
 * leaves everything as it was.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminUpdateTest extends AdminServerFixture {

    @Test
    void toxicityOnlyUpdateKeepsABandwidthBelowOneKilobytePerSecond() throws Exception {
        Route route = chaos.addRoute(0, upstream.address(), r -> r.name("thin").fault(Fault.bandwidth(500)));
        String toxic = api.get("/proxies/thin/toxics/bandwidth_downstream");   // rate 0: whole KB/s only

        Answer patched = api.call("PATCH", "/proxies/thin/toxics/bandwidth_downstream", "{\"toxicity\":1.0}");

        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.body()).isEqualTo(toxic);
        assertThat(api.get("/proxies/thin/toxics/bandwidth_downstream")).isEqualTo(toxic);
        assertThat(route.faults()).containsExactly(Fault.bandwidth(500));
        try (Conn conn = new Conn(route.localPort())) {
            assertThat(conn.roundTrip("x".repeat(500))).as("500 bytes at 500 B/s, not stalled at rate 0")
                    .isBetween(800L, 4500L);
        }
    }

    static Stream<Arguments> faultsTheJsonShowsRounded() {
        Duration micros1500 = Duration.ofNanos(1_500_000);
        return Stream.of(
                Arguments.of(Fault.bandwidth(65_536), "{\"toxicity\":0.5}", Fault.bandwidth(65_536).toxicity(0.5)),
                Arguments.of(Fault.bandwidth(65_536), "{\"attributes\":{}}", Fault.bandwidth(65_536)),
                Arguments.of(Fault.latency(micros1500).jitter(Duration.ofNanos(250_000)),
                        "{\"attributes\":{\"jitter\":1}}", Fault.latency(micros1500).jitter(Duration.ofMillis(1))),
                Arguments.of(Fault.slicer(10, 2, Duration.ofNanos(2_500)), "{\"attributes\":{\"average_size\":20}}",
                        Fault.slicer(20, 2, Duration.ofNanos(2_500))),
                Arguments.of(Fault.slowClose(micros1500).direction(Direction.UPSTREAM), "{\"toxicity\":0.25}",
                        Fault.slowClose(micros1500).direction(Direction.UPSTREAM).toxicity(0.25)),
                Arguments.of(Fault.loss(0.5).retransmitDelay(micros1500), "{\"attributes\":{\"probability\":0.25}}",
                        Fault.loss(0.25).retransmitDelay(micros1500)));
    }

    @ParameterizedTest
    @MethodSource("faultsTheJsonShowsRounded")
    void anUpdateChangesOnlyWhatItNames(Fault fault, String body, Fault expected) throws Exception {
        Route route = chaos.addRoute(0, upstream.address(), r -> r.name("exact").fault(fault));
        String path = "/proxies/exact/toxics/" + fault.name();

        Answer patched = api.call("PATCH", path, body);

        assertThat(patched.status()).isEqualTo(200);
        assertThat(route.faults()).containsExactly(expected);
        assertThat(patched.body()).isEqualTo(Json.MAPPER.writeValueAsString(Toxics.json(expected)) + "\n");
        assertThat(api.get(path)).isEqualTo(patched.body());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POST  | /proxies/echo | {\"lisen\":\"127.0.0.1:0\"} | lisen is not a known field",
        "PATCH | /proxies/echo | {\"enabled\":\"no\"} | expected true or false",
        "PATCH | /proxies/echo | {\"upstream\":5} | expected a string",
        "POST  | /proxies/echo | {\"listen\":80} | expected a string",
        "PATCH | /proxies/echo | {\"listen\":\"127.0.0.1:0\",\"enabled\":1} | expected true or false",
        "POST  | /proxies/echo | {\"upstream\":\"127.0.0.1:9\",\"toxic\":[]} | toxic is not a known field",
        "PATCH | /proxies/echo | [] | expected a JSON object",
        "POST  | /proxies/echo | {\"enabled\":false | bad request body",
        "POST  | /proxies/echo/toxics/slow | {\"attribute\":{\"latency\":1}} | attribute is not a known field",
        "PATCH | /proxies/echo/toxics/slow | {\"toxicity\":\"high\"} | expected a number",
        "PATCH | /proxies/echo/toxics/slow | {\"attributes\":{\"latency\":\"10\"}} | expected a whole number",
        "POST  | /proxies/echo/toxics/slow | {\"attributes\":{\"jitter\":5},\"toxicity\":true} | expected a number",
        "PATCH | /proxies/echo/toxics/slow | {\"attributes\":{\"jitter\":5,\"latncy\":1}} | latncy is not an attribute",
        "POST  | /proxies/echo/toxics/slow | {\"attributes\":{\"jitter\":-1}} | jitter",
        "PATCH | /proxies/echo/toxics/slow | {\"attributes\":[5]} | expected a JSON object",
        "PATCH | /proxies/echo/toxics/slow | {\"stream\":\"upstream\"} | stream cannot be changed",
    })
    void badUpdateBodiesAre400sAndChangeNothing(String method, String path, String body, String message)
            throws Exception {
        Route route = chaos.addRoute(0, upstream.address(),
                r -> r.name("echo").fault(Fault.latency(Duration.ofMillis(1)).named("slow")));
        try (Conn live = new Conn(route.localPort())) {
            live.roundTrip("before");
            String before = api.get("/proxies");

            Answer answer = api.call(method, path, body);

            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.json().get("status").asInt()).isEqualTo(400);
            assertThat(answer.json().get("error").asText()).contains(message);
            assertThat(api.get("/proxies")).isEqualTo(before);
            assertThat(chaos.route("echo")).isSameAs(route);
            assertThat(route.faults()).containsExactly(Fault.latency(Duration.ofMillis(1)).named("slow"));
            live.roundTrip("after");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "PATCH | {\"listen\":\"127.0.0.1:TAKEN\"} | 409 | port TAKEN is already in use",
        "POST  | {\"listen\":\"127.0.0.1:TAKEN\",\"upstream\":\"127.0.0.1:9\"} | 409 | port TAKEN is already in use",
        "PATCH | {\"listen\":\"127.0.0.1:TAKEN\",\"enabled\":false} | 409 | port TAKEN is already in use",
        "PATCH | {\"listen\":\"127.0.0.1:OTHER\"} | 400 | is used by route 'other'",
        "PATCH | {\"upstream\":\"nocolon\"} | 400 | nocolon",
        "PATCH | {\"upstream\":\"127.0.0.1:0\"} | 400 | 1..65535",
        "PATCH | {\"upstream\":\"::1:80\"} | 400 | [ipv6]:port",
    })
    void aRejectedProxyUpdateLeavesTheProxyAndItsConnectionsAsTheyWere(String method, String body, int status,
            String message) throws Exception {
        Route route = chaos.addRoute(0, upstream.address(), r -> r.name("echo").fault(Fault.latency(Duration.ZERO)));
        // Disabled, so its port is free to bind: only the proxy's own bookkeeping can see it is taken.
        Route other = chaos.addRoute(0, upstream.address(), r -> r.name("other").enabled(false));
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Conn live = new Conn(route.localPort())) {
            live.roundTrip("before");
            String before = api.get("/proxies/echo");
            String ports = "TAKEN=" + taken.getLocalPort() + ",OTHER=" + other.localPort();

            Answer answer = api.call(method, "/proxies/echo", fill(body, taken, other));

            assertThat(answer.status()).as(ports).isEqualTo(status);
            assertThat(answer.json().get("error").asText()).contains(fill(message, taken, other));
            assertThat(api.get("/proxies/echo")).isEqualTo(before);
            assertThat(chaos.route("echo")).isSameAs(route);
            live.roundTrip("after");   // the connection was never cut
            assertThat(route.metrics().acceptedConnections()).isEqualTo(1);
        }
    }

    @Test
    void anUpdateOfEnabledAloneTakesTheSameRouteDownAndUp() throws Exception {
        Route route = chaos.addRoute(0, upstream.address(), r -> r.name("echo"));
        String listen = "127.0.0.1:" + route.localPort();
        try (Conn live = new Conn(route.localPort())) {
            live.roundTrip("x");
            assertThat(api.call("PATCH", "/proxies/echo", "{\"enabled\":false}").status()).isEqualTo(200);
            assertThat(live.millisToEnd()).isNotNull();   // a disabled proxy cuts its connections
        }
        assertThat(chaos.route("echo")).isSameAs(route);
        assertThat(route.isEnabled()).isFalse();
        Answer enabled = api.call("POST", "/proxies/echo", "{\"name\":\"echo\",\"listen\":\"" + listen
                + "\",\"upstream\":\"" + upstream.address() + "\",\"enabled\":true}");   // all of it, as clients send
        assertThat(enabled.status()).isEqualTo(200);
        assertThat(enabled.json().get("listen").asText()).isEqualTo(listen);
        assertThat(chaos.route("echo")).isSameAs(route);
        try (Conn conn = new Conn(route.localPort())) {
            conn.roundTrip("y");
        }
        assertThat(route.metrics().acceptedConnections()).isEqualTo(2);
    }

    private static String fill(String text, ServerSocket taken, Route other) {
        return text.replace("TAKEN", Integer.toString(taken.getLocalPort()))
                .replace("OTHER", Integer.toString(other.localPort()));
    }
}
