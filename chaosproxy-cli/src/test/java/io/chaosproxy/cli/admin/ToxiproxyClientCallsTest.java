package io.chaosproxy.cli.admin;

import static eu.rekawek.toxiproxy.model.ToxicDirection.DOWNSTREAM;
import static eu.rekawek.toxiproxy.model.ToxicDirection.UPSTREAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.toxic.Bandwidth;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import eu.rekawek.toxiproxy.model.toxic.Slicer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The calls of Toxiproxy's Java client that {@link ToxiproxyClientTest} leaves out, each checked through
 * sockets where it changes traffic: the other constructors, the typed {@code get}, jitter, the slicer's size
 * variation, bandwidth measured both ways, and the toxics of the upstream direction.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ToxiproxyClientCallsTest extends ToxiproxyClientFixture {

    @Test
    void theConstructorWithAProtocolReachesTheSameApi() throws IOException {
        ToxiproxyClient http = new ToxiproxyClient("http", "127.0.0.1", admin.address().getPort());
        assertThat(http.version()).contains("\"version\":\"2.12.0\"");
        assertThat(http.getProxy("echo").getListen()).isEqualTo(proxy.getListen());
    }

    @Test
    void theDefaultConstructorFindsTheApiOnToxiproxysPort() throws IOException {
        AdminServer onDefaultPort;
        try {
            onDefaultPort = AdminServer.start(chaos, new InetSocketAddress("127.0.0.1", 8474));
        } catch (IllegalStateException e) {
            Assumptions.abort("port 8474 (the client's default) is in use here, so new ToxiproxyClient() cannot be"
                    + " pointed at us: " + e.getMessage());
            return;
        }
        try (onDefaultPort) {
            assertThat(new ToxiproxyClient().getProxy("echo").getUpstream()).isEqualTo(upstream.address());
        }
    }

    @Test
    void aTypedGetReturnsTheToxicAndRefusesAnotherType() throws IOException {
        proxy.toxics().latency("slow", DOWNSTREAM, 300);
        Latency latency = proxy.toxics().get("slow", Latency.class);
        assertThat(latency.getLatency()).isEqualTo(300);
        assertThat(latency).hasToString("Latency: name=slow, stream=DOWNSTREAM");
        assertThat(client.getProxy("echo")).hasToString("Proxy: name=echo, enabled=true");
        assertThatThrownBy(() -> proxy.toxics().get("slow", Bandwidth.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("It should be a Latency");
        try (Conn conn = new Conn(port)) {
            assertThat(conn.roundTrip("typed")).isBetween(280L, 2000L);
        }
    }

    @Test
    void aToxicTypeTheClientDoesNotKnowMakesItsListThrowAsAgainstToxiproxy() throws Exception {
        AdminClient.Answer noop = new AdminClient(admin).call("POST", "/proxies/echo/toxics", "{\"type\":\"noop\"}");
        assertThat(noop.status()).isEqualTo(200);
        assertThatThrownBy(() -> proxy.toxics().getAll()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NOOP");
    }

    @Test
    void latencyIsMeasuredAndJitterSpreadsItEitherWay() throws IOException {
        Latency latency = proxy.toxics().latency("slow", DOWNSTREAM, 200);
        assertThat(latency.getJitter()).isZero();
        try (Conn conn = new Conn(port)) {
            assertThat(conn.roundTrip("steady")).isBetween(180L, 1500L);
            latency.setJitter(150);
            assertThat(latency.getJitter()).isEqualTo(150);
            assertThat(proxy.toxics().get("slow", Latency.class).getJitter()).isEqualTo(150);
            List<Long> trips = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                trips.add(conn.roundTrip("j" + i));
            }
            assertThat(trips).allSatisfy(t -> assertThat(t).isBetween(30L, 1500L));
            assertThat(trips.stream().mapToLong(Long::longValue).max().getAsLong()
                    - trips.stream().mapToLong(Long::longValue).min().getAsLong())
                    .as("round trips %s, 200 ± 150 ms each", trips).isGreaterThanOrEqualTo(30);
        }
    }

    @Test
    void bandwidthIsMeasuredAndItsNewRateTakesOver() throws IOException {
        Bandwidth bandwidth = proxy.toxics().bandwidth("bw", DOWNSTREAM, 50);   // 50 KB/s
        assertThat(bandwidth.getRate()).isEqualTo(50);
        String payload = "b".repeat(25_000);   // half a second at 50 KB/s
        try (Conn conn = new Conn(port)) {
            long slow = conn.roundTrip(payload);
            assertThat(slow).isBetween(350L, 2500L);
            bandwidth.setRate(500);
            assertThat(bandwidth.getRate()).isEqualTo(500);
            assertThat(proxy.toxics().get("bw", Bandwidth.class).getRate()).isEqualTo(500);
            long fast = conn.roundTrip(payload);   // 50 ms at 500 KB/s
            assertThat(fast).as("%d ms at 500 KB/s, %d ms at 50 KB/s", fast, slow).isLessThan(slow / 2);
        }
    }

    @Test
    void sizeVariationVariesTheSlices() throws IOException {
        Slicer slicer = proxy.toxics().slicer("sl", DOWNSTREAM, 4, 30_000);   // 4 bytes, 30 ms apart
        assertThat(slicer.getSizeVariation()).isZero();
        String forty = "0123456789".repeat(4);
        try (Conn conn = new Conn(port)) {
            conn.send(forty);
            List<Integer> even = conn.readSizes(40);
            // A late reader may take two slices at once, never part of one.
            assertThat(even).as("reads %s", even).hasSizeGreaterThan(2).allSatisfy(n -> assertThat(n % 4).isZero());

            slicer.setSizeVariation(3);   // 1..7 bytes
            assertThat(slicer.getSizeVariation()).isEqualTo(3);
            assertThat(proxy.toxics().get("sl", Slicer.class).getSizeVariation()).isEqualTo(3);
            conn.send(forty);
            List<Integer> varied = conn.readSizes(40);
            assertThat(varied).as("reads %s", varied).hasSizeGreaterThan(2).anySatisfy(n -> assertThat(n % 4)
                    .isNotZero());

            // toxiproxy-node-client's own test: a variation as large as the average (Toxiproxy accepts it).
            slicer.setAverageSize(1000);
            slicer.setSizeVariation(1000);
            slicer.setDelay(0);
            assertThat(slicer.getSizeVariation()).isEqualTo(1000);
            String large = "s".repeat(20_000);
            assertThat(conn.roundTrip(large)).isLessThan(2000);
        }
    }

    @Test
    void upstreamTimeoutHoldsTheRequestUntilRemoved() throws IOException {
        var timeout = proxy.toxics().timeout("to", UPSTREAM, 0);
        try (Conn conn = new Conn(port)) {
            conn.send("request");
            assertThat(conn.silentFor(300)).isTrue();
            assertThat(upstream.accepted()).as("the upstream is connected, it just hears nothing").isEqualTo(1);
            timeout.remove();
            assertThat(conn.read(7)).isEqualTo("request");
        }
    }

    @Test
    void upstreamBandwidthSlowsTheRequest() throws IOException {
        proxy.toxics().bandwidth("bw", UPSTREAM, 10);   // 10 KB/s
        try (Conn conn = new Conn(port)) {
            assertThat(conn.roundTrip("u".repeat(5000))).isBetween(300L, 2500L);
        }
    }

    @Test
    void upstreamSlicerSlicesTheRequest() throws IOException {
        proxy.toxics().slicer("sl", UPSTREAM, 2, 30_000);
        try (Conn conn = new Conn(port)) {
            conn.send("0123456789");
            List<Integer> sizes = conn.readSizes(10);   // the echo sends back each slice it reads
            assertThat(sizes).as("reads %s", sizes).hasSizeGreaterThan(2).allSatisfy(n -> assertThat(n % 2).isZero());
        }
    }

    @Test
    void upstreamSlowCloseDelaysTheRequestsEnd() throws IOException {
        proxy.toxics().slowClose("sc", UPSTREAM, 400);
        try (Conn conn = new Conn(port)) {
            conn.roundTrip("x");
            conn.shutdownOutput();   // the echo server closes when it sees this end, 400 ms late
            assertThat(conn.millisToEnd()).isBetween(350L, 3000L);
        }
    }

    @Test
    void upstreamResetPeerResetsTheConnection() throws IOException {
        proxy.toxics().resetPeer("rp", UPSTREAM, 300);
        try (Conn conn = new Conn(port)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> conn.read(1)).isInstanceOf(SocketException.class)
                    .hasMessageContaining("Connection reset");
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 3000L);
        }
    }
}
