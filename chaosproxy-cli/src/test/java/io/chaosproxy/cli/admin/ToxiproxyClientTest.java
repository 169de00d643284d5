package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import eu.rekawek.toxiproxy.model.toxic.LimitData;
import eu.rekawek.toxiproxy.model.toxic.ResetPeer;
import eu.rekawek.toxiproxy.model.toxic.Slicer;
import eu.rekawek.toxiproxy.model.toxic.SlowClose;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The acceptance test: Toxiproxy's published Java client drives an in-process chaos-proxy, and every call is
 * checked through real sockets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ToxiproxyClientTest extends ToxiproxyClientFixture {

    @Test
    void createdProxyForwardsAndIsListedWithItsRealPort() throws IOException {
        assertThat(port).isPositive();
        assertThat(proxy.getListen()).isEqualTo("127.0.0.1:" + port);
        assertThat(proxy.getUpstream()).isEqualTo(upstream.address());
        assertThat(proxy.isEnabled()).isTrue();
        assertThat(client.getProxies()).extracting(Proxy::getName).containsExactly("echo");
        assertThat(client.getProxy("echo").getListen()).isEqualTo(proxy.getListen());
        assertThat(client.version()).contains("\"version\"");
        try (Conn conn = new Conn(port)) {
            assertThat(conn.roundTrip("hello")).isLessThan(250);
        }
    }

    @Test
    void duplicateProxyIsAConflictAndUnknownOneIsNotFound() {
        assertThatThrownBy(() -> client.createProxy("echo", "127.0.0.1:0", upstream.address()))
                .isInstanceOf(IOException.class).hasMessageContaining("proxy already exists");
        assertThatThrownBy(() -> client.getProxy("nope")).isInstanceOf(IOException.class);
        assertThat(client.getProxyOrNull("nope")).isNull();
    }

    @Test
    void latencyIsAddedChangedSwitchedOffByToxicityAndRemoved() throws IOException {
        Latency latency = proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 300);
        assertThat(latency.getLatency()).isEqualTo(300);
        try (Conn conn = new Conn(port)) {
            assertThat(conn.roundTrip("a")).isGreaterThanOrEqualTo(280);
            latency.setJitter(10);   // merges: latency stays 300
            assertThat(((Latency) proxy.toxics().get("slow")).getLatency()).isEqualTo(300);
            assertThat(conn.roundTrip("b")).isGreaterThanOrEqualTo(280);
            latency.setLatency(0).setJitter(0);
            assertThat(conn.roundTrip("c")).isLessThan(250);
            latency.setLatency(300);
            latency.setToxicity(0f);   // re-rolled for live connections: never applies now
            assertThat(proxy.toxics().get("slow").getToxicity()).isZero();
            assertThat(conn.roundTrip("d")).isLessThan(250);
            latency.setToxicity(1f);
            assertThat(conn.roundTrip("e")).isGreaterThanOrEqualTo(280);
            latency.remove();
            assertThat(proxy.toxics().getAll()).isEmpty();
            assertThat(conn.roundTrip("f")).isLessThan(250);
        }
    }

    @Test
    void upstreamLatencyDelaysRequests() throws IOException {
        proxy.toxics().latency("req", ToxicDirection.UPSTREAM, 300);
        assertThat(proxy.toxics().get("req").getStream()).isEqualTo(ToxicDirection.UPSTREAM);
        try (Conn conn = new Conn(port)) {
            assertThat(conn.roundTrip("a")).isGreaterThanOrEqualTo(280);
        }
    }

    @Test
    void bandwidthZeroHoldsDataUntilRemovedAndARateSlowsIt() throws IOException {
        var bandwidth = proxy.toxics().bandwidth("bw", ToxicDirection.DOWNSTREAM, 0);
        try (Conn conn = new Conn(port)) {
            conn.send("held");
            assertThat(conn.silentFor(300)).isTrue();
            bandwidth.setRate(10);   // 10 KB/s
            assertThat(conn.read(4)).isEqualTo("held");
            String payload = "x".repeat(5000);   // half a second at 10 KB/s
            assertThat(conn.roundTrip(payload)).isGreaterThanOrEqualTo(300);
            bandwidth.remove();
            assertThat(conn.roundTrip(payload)).isLessThan(250);
        }
    }

    @Test
    void slowCloseDelaysTheEndOfTheStreamIsChangedAndRemoved() throws IOException {
        SlowClose slowClose = proxy.toxics().slowClose("sc", ToxicDirection.DOWNSTREAM, 300);
        assertThat(millisToEndAfterHalfClose()).isGreaterThanOrEqualTo(280);
        slowClose.setDelay(900);
        assertThat(((SlowClose) proxy.toxics().get("sc")).getDelay()).isEqualTo(900);
        assertThat(millisToEndAfterHalfClose()).isGreaterThanOrEqualTo(880);
        slowClose.remove();
        assertThat(proxy.toxics().getAll()).isEmpty();
        assertThat(millisToEndAfterHalfClose()).isLessThan(500);
    }

    /** Half-closes a new connection (the echo server closes in turn); the milliseconds until its end arrives. */
    private long millisToEndAfterHalfClose() throws IOException {
        try (Conn conn = new Conn(port)) {
            conn.roundTrip("x");
            conn.shutdownOutput();
            return conn.millisToEnd();
        }
    }

    @Test
    void timeoutHoldsTheDataThenClosesTheConnectionWithoutIt() throws IOException {
        proxy.toxics().timeout("to", ToxicDirection.DOWNSTREAM, 300);
        try (Conn conn = new Conn(port)) {
            long start = System.nanoTime();
            conn.send("lost");
            // nothing arrives; the close is a reset, as the held bytes are lost (Toxiproxy closes with a FIN)
            assertThat(conn.millisToEnd()).as("a reset").isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 3000L);
        }
    }

    @Test
    void timeoutStopsDataUntilRemovedThenTheHeldBytesArrive() throws IOException {
        var timeout = proxy.toxics().timeout("to", ToxicDirection.DOWNSTREAM, 30_000);
        try (Conn conn = new Conn(port)) {
            conn.send("held");
            assertThat(conn.silentFor(500)).as("no byte and no end while the timeout runs").isTrue();
            timeout.remove();   // our timeout holds the bytes and delivers them (Toxiproxy's drops them)
            assertThat(conn.read(4)).isEqualTo("held");
            assertThat(conn.roundTrip("flows")).isLessThan(250);
        }
    }

    @Test
    void timeoutChangedThroughTheClientClosesNewConnections() throws IOException {
        var timeout = proxy.toxics().timeout("to", ToxicDirection.DOWNSTREAM, 0);   // stalls, never closes
        try (Conn conn = new Conn(port)) {
            conn.send("held");
            assertThat(conn.silentFor(500)).isTrue();
        }
        timeout.setTimeout(200);
        assertThat(((eu.rekawek.toxiproxy.model.toxic.Timeout) proxy.toxics().get("to")).getTimeout()).isEqualTo(200);
        try (Conn conn = new Conn(port)) {
            long start = System.nanoTime();
            conn.send("lost");
            assertThat(conn.millisToEnd()).as("a reset").isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(150L, 3000L);
        }
    }

    @Test
    void timeoutZeroStallsUntilRemoved() throws IOException {
        var timeout = proxy.toxics().timeout("to", ToxicDirection.DOWNSTREAM, 0);
        try (Conn conn = new Conn(port)) {
            conn.send("held");
            assertThat(conn.silentFor(300)).isTrue();
            timeout.remove();
            assertThat(conn.read(4)).isEqualTo("held");
        }
    }

    @Test
    void resetPeerResetsTheConnection() throws IOException {
        proxy.toxics().resetPeer("rp", ToxicDirection.DOWNSTREAM, 0);
        try (Conn conn = new Conn(port)) {
            assertThatThrownBy(() -> conn.read(1)).as("a reset, not an end of stream")
                    .isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
        }
    }

    @Test
    void resetPeerIsChangedThroughTheClientAndRemoved() throws IOException {
        ResetPeer resetPeer = proxy.toxics().resetPeer("rp", ToxicDirection.DOWNSTREAM, 60_000);
        try (Conn conn = new Conn(port)) {
            assertThat(conn.roundTrip("not yet")).isLessThan(250);
        }
        resetPeer.setTimeout(300);
        assertThat(((ResetPeer) proxy.toxics().get("rp")).getTimeout()).isEqualTo(300);
        try (Conn conn = new Conn(port)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> conn.read(1)).isInstanceOf(SocketException.class)
                    .hasMessageContaining("Connection reset");
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(250L, 3000L);
        }
        resetPeer.remove();
        assertThat(proxy.toxics().getAll()).isEmpty();
        try (Conn conn = new Conn(port)) {
            assertThat(conn.silentFor(600)).as("open past the old timeout").isTrue();
            assertThat(conn.roundTrip("still here")).isLessThan(250);
        }
    }

    @Test
    void slicerCutsDataIntoDelayedSlicesIsChangedAndRemoved() throws IOException {
        Slicer slicer = proxy.toxics().slicer("sl", ToxicDirection.DOWNSTREAM, 1, 20_000);   // 1 byte, 20 ms
        assertThat(slicer.getAverageSize()).isEqualTo(1);
        try (Conn conn = new Conn(port)) {
            assertThat(conn.roundTrip("0123456789")).isGreaterThanOrEqualTo(150);
            slicer.setDelay(0);
            slicer.setAverageSize(1000);
            assertThat(((Slicer) proxy.toxics().get("sl")).getDelay()).isZero();
            assertThat(conn.roundTrip("0123456789")).isLessThan(150);
            slicer.setAverageSize(2);
            slicer.setDelay(40_000);   // 2 bytes, 40 ms: 4 gaps for 10 bytes
            assertThat(((Slicer) proxy.toxics().get("sl")).getAverageSize()).isEqualTo(2);
            assertThat(conn.roundTrip("0123456789")).isGreaterThanOrEqualTo(150);
            slicer.remove();
            assertThat(proxy.toxics().getAll()).isEmpty();
            assertThat(conn.roundTrip("0123456789")).isLessThan(150);
        }
    }

    @Test
    void limitDataClosesAfterTheLimitIsChangedAndRemoved() throws IOException {
        LimitData limit = proxy.toxics().limitData("ld", ToxicDirection.DOWNSTREAM, 5);
        try (Conn conn = new Conn(port)) {
            conn.send("0123456789");
            assertThat(conn.read(10)).isEqualTo("01234");   // then the end of the stream
        }
        limit.setBytes(8);
        assertThat(((LimitData) proxy.toxics().get("ld")).getBytes()).isEqualTo(8);
        try (Conn conn = new Conn(port)) {
            conn.send("0123456789");
            assertThat(conn.read(10)).isEqualTo("01234567");
        }
        limit.remove();
        assertThat(proxy.toxics().getAll()).isEmpty();
        try (Conn conn = new Conn(port)) {
            assertThat(conn.roundTrip("0123456789")).isLessThan(250);
        }
    }

    @Test
    void everyToxicTypeIsListedWithItsAttributes() throws IOException {
        proxy.toxics().latency("latency", ToxicDirection.DOWNSTREAM, 1);
        proxy.toxics().bandwidth("bandwidth", ToxicDirection.UPSTREAM, 100);
        proxy.toxics().slowClose("slow_close", ToxicDirection.DOWNSTREAM, 1);
        proxy.toxics().timeout("timeout", ToxicDirection.UPSTREAM, 1000);
        proxy.toxics().resetPeer("reset_peer", ToxicDirection.UPSTREAM, 1000);
        proxy.toxics().slicer("slicer", ToxicDirection.DOWNSTREAM, 10, 1);
        proxy.toxics().limitData("limit_data", ToxicDirection.DOWNSTREAM, 1000);
        assertThat(proxy.toxics().getAll()).extracting(t -> t.getName())
                .containsExactly("bandwidth", "timeout", "reset_peer",   // upstream first, as Toxiproxy lists
                        "latency", "slow_close", "slicer", "limit_data");
        assertThatThrownBy(() -> proxy.toxics().latency("latency", ToxicDirection.UPSTREAM, 1))
                .hasMessageContaining("toxic already exists");
    }

    @Test
    void disableRefusesConnectionsAndEnableBringsThemBackOnTheSamePort() throws IOException {
        try (Conn live = new Conn(port)) {
            live.roundTrip("x");
            proxy.disable();
            assertThat(live.millisToEnd()).isNotNull();   // live connections are cut
        }
        assertThat(client.getProxy("echo").isEnabled()).isFalse();
        assertThatThrownBy(() -> new Conn(port)).isInstanceOf(ConnectException.class);
        proxy.enable();
        assertThat(proxy.getListen()).isEqualTo("127.0.0.1:" + port);
        try (Conn conn = new Conn(port)) {
            assertThat(conn.roundTrip("y")).isLessThan(250);
        }
    }

    @Test
    void resetRemovesEveryToxicAndEnablesEveryProxy() throws IOException {
        proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 300);
        Proxy other = client.createProxy("other", "127.0.0.1:0", upstream.address());
        other.disable();
        client.reset();
        assertThat(client.getProxy("echo").toxics().getAll()).isEmpty();
        assertThat(client.getProxy("other").isEnabled()).isTrue();
        try (Conn conn = new Conn(port); Conn conn2 = new Conn(Conn.portOf(other.getListen()))) {
            assertThat(conn.roundTrip("a")).isLessThan(250);
            assertThat(conn2.roundTrip("b")).isLessThan(250);
        }
    }

    @Test
    void deleteFreesThePortAndTheSameFixedPortCanBeUsedAgain() throws IOException {
        proxy.delete();
        assertThat(client.getProxies()).isEmpty();
        assertThatThrownBy(() -> new Conn(port)).isInstanceOf(ConnectException.class);
        for (int i = 0; i < 3; i++) {
            Proxy again = client.createProxy("again", "127.0.0.1:" + port, upstream.address());
            try (Conn conn = new Conn(port)) {
                assertThat(conn.roundTrip("z")).isLessThan(250);
            }
            again.delete();
        }
    }

    @Test
    void newUpstreamAndListenRestartTheProxyKeepingItsToxics() throws IOException {
        proxy.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 300);
        try (EchoServer second = new EchoServer()) {
            proxy.setUpstream(second.address());
            assertThat(proxy.getUpstream()).isEqualTo(second.address());
            proxy.setListen("127.0.0.1:0");
            int newPort = Conn.portOf(proxy.getListen());
            await().untilAsserted(() -> assertThatThrownBy(() -> new Conn(port).close())
                    .isInstanceOf(ConnectException.class));
            try (Conn conn = new Conn(newPort)) {
                assertThat(conn.roundTrip("m")).isGreaterThanOrEqualTo(280);
            }
        }
    }

    @Test
    void aProxyOfSeveralUpstreamsShowsTheClientItsFirstTargetAndTakesItsToxics() throws Exception {
        try (EchoServer second = new EchoServer()) {
            AdminClient.Answer created = new AdminClient(admin).call("POST", "/proxies", "{\"name\":\"app\","
                    + "\"listen\":\"127.0.0.1:0\",\"upstreams\":[\"" + upstream.address() + "\",\"" + second.address()
                    + "\"]}");
            assertThat(created.status()).isEqualTo(201);
            assertThat(client.getProxies()).extracting(Proxy::getName).containsExactly("app", "echo");
            Proxy app = client.getProxy("app");
            assertThat(app.getUpstream()).isEqualTo(upstream.address());
            app.toxics().latency("slow", ToxicDirection.DOWNSTREAM, 300);
            int appPort = Conn.portOf(app.getListen());
            for (int i = 0; i < 2; i++) {
                try (Conn conn = new Conn(appPort)) {
                    assertThat(conn.roundTrip("s" + i)).isGreaterThanOrEqualTo(280);
                }
            }
            assertThat(upstream.accepted()).isEqualTo(1);
            assertThat(second.accepted()).isEqualTo(1);

            app.setUpstream(second.address());   // the client knows one upstream: the proxy now has that one
            assertThat(app.getUpstream()).isEqualTo(second.address());
            assertThat(chaos.route("app").upstreams()).hasSize(1);
            assertThat(app.toxics().getAll()).extracting(t -> t.getName()).containsExactly("slow");
        }
    }
}
