package io.chaosproxy.cli.admin;

import static eu.rekawek.toxiproxy.model.ToxicDirection.DOWNSTREAM;
import static eu.rekawek.toxiproxy.model.ToxicDirection.UPSTREAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.Toxic;
import eu.rekawek.toxiproxy.model.ToxicList;
import eu.rekawek.toxiproxy.model.toxic.Bandwidth;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import eu.rekawek.toxiproxy.model.toxic.LimitData;
import eu.rekawek.toxiproxy.model.toxic.ResetPeer;
import eu.rekawek.toxiproxy.model.toxic.Slicer;
import eu.rekawek.toxiproxy.model.toxic.SlowClose;
import eu.rekawek.toxiproxy.model.toxic.Timeout;
import io.chaosproxy.ChaosProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * toxiproxy-java's own suite ({@code ToxiproxyClientTest} and {@code ToxicsTest} in trekawek/toxiproxy-java, the
 * same at 2.1.7 and 2.1.11), its assertions kept, run against our admin API instead of a Toxiproxy container.
 * Only the fixed ports change (26379.. become free ports), so that parallel builds do not collide. What each
 * call does to traffic is {@link ToxiproxyClientTest}'s job.
 */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class ToxiproxyJavaSuiteTest {
    private ChaosProxy chaos;
    private AdminServer admin;
    private ToxiproxyClient tp;

    @BeforeEach
    void start() throws IOException {
        chaos = ChaosProxy.builder().allowNoRoutes().seed(3).shutdownTimeout(Duration.ZERO).start();
        admin = AdminServer.start(chaos, new InetSocketAddress("127.0.0.1", 0));
        tp = new ToxiproxyClient("127.0.0.1", admin.address().getPort());
    }

    @AfterEach
    void stop() {
        admin.close();
        chaos.close();
    }

    /** A loopback port nothing listens on now: the suite's fixed listen addresses, made safe to run anywhere. */
    private static String freeListen() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + socket.getLocalPort();
        }
    }

    private Proxy testProxy() throws IOException {
        return tp.createProxy("test-proxy", freeListen(), "localhost:6379");
    }

    // ---- ToxiproxyClientTest

    @Test
    void createProxy() throws IOException {
        String listen = freeListen();
        Proxy proxy = tp.createProxy("test-proxy", listen, "localhost:6379");
        assertThat(proxy.isEnabled()).isTrue();
        assertThat(proxy.getName()).isEqualTo("test-proxy");
        assertThat(proxy.getListen()).isEqualTo(listen);
        assertThat(proxy.getUpstream()).isEqualTo("localhost:6379");
    }

    @Test
    void getProxy() throws IOException {
        String listen = freeListen();
        tp.createProxy("test-proxy", listen, "localhost:6379");
        Proxy proxy = tp.getProxy("test-proxy");
        assertThat(proxy.isEnabled()).isTrue();
        assertThat(proxy.getName()).isEqualTo("test-proxy");
        assertThat(proxy.getListen()).isEqualTo(listen);
        assertThat(proxy.getUpstream()).isEqualTo("localhost:6379");

        assertThat(tp.getProxyOrNull("invalid-proxy")).isNull();
        assertThatThrownBy(() -> tp.getProxy("invalid-proxy")).isInstanceOf(IOException.class)
                .hasMessage("[404] proxy not found");
    }

    @Test
    void listProxy() throws IOException {
        String[] listens = new String[3];
        for (int i = 0; i < 3; i++) {
            listens[i] = freeListen();
            tp.createProxy("test-proxy" + i, listens[i], "localhost:" + (i + 6379));
        }
        List<Proxy> proxies = tp.getProxies();
        for (int i = 0; i < 3; i++) {
            Proxy proxy = proxies.get(i);
            assertThat(proxy.isEnabled()).isTrue();
            assertThat(proxy.getName()).isEqualTo("test-proxy" + i);
            assertThat(proxy.getListen()).isEqualTo(listens[i]);
            assertThat(proxy.getUpstream()).isEqualTo("localhost:" + (i + 6379));
        }
    }

    @Test
    void deleteProxy() throws IOException {
        Proxy proxy = testProxy();
        assertThat(tp.getProxies()).isNotEmpty();
        proxy.delete();
        assertThat(tp.getProxies()).isEmpty();
    }

    @Test
    void enableDisableProxy() throws IOException {
        Proxy proxy = testProxy();
        assertThat(proxy.isEnabled()).isTrue();
        proxy.disable();
        assertThat(proxy.isEnabled()).isFalse();
        proxy.enable();
        assertThat(proxy.isEnabled()).isTrue();
    }

    @Test
    void version() throws IOException {
        assertThat(tp.version()).isNotEmpty();
    }

    @Test
    void reset() throws IOException {
        Proxy proxy = testProxy();
        proxy.toxics().latency("latency-toxic-down", DOWNSTREAM, 10);
        proxy.toxics().latency("latency-toxic-up", UPSTREAM, 10);
        proxy.disable();

        tp.reset();

        assertThat(proxy.toxics().getAll()).isEmpty();
        assertThat(proxy.isEnabled()).as("the client re-reads every proxy it handed out").isTrue();
    }

    @Test
    void errorCodeAndMessage() throws IOException {
        String listen = freeListen();
        tp.createProxy("test-proxy", listen, "localhost:6379");
        assertThatThrownBy(() -> tp.createProxy("test-proxy", listen, "localhost:6379"))
                .isInstanceOf(IOException.class).hasMessageContaining("[409] proxy already exists");
    }

    @Test
    void toxicLimitData() throws IOException {
        Proxy proxy = testProxy();
        proxy.toxics().limitData("limit-data-down", DOWNSTREAM, 10);
        proxy.toxics().limitData("limit-data-up", UPSTREAM, 10);

        proxy = tp.getProxy("test-proxy");
        LimitData up = (LimitData) proxy.toxics().get("limit-data-up");
        LimitData down = (LimitData) proxy.toxics().get("limit-data-down");
        assertThat(up.getBytes()).isEqualTo(10);
        assertThat(up.getStream()).isEqualTo(UPSTREAM);
        assertThat(down.getBytes()).isEqualTo(10);
        assertThat(down.getStream()).isEqualTo(DOWNSTREAM);
    }

    @Test
    void toxicResetPeer() throws IOException {
        Proxy proxy = testProxy();
        proxy.toxics().resetPeer("reset-peer-down", DOWNSTREAM, 10);
        proxy.toxics().resetPeer("reset-peer-up", UPSTREAM, 10);

        proxy = tp.getProxy("test-proxy");
        ResetPeer up = (ResetPeer) proxy.toxics().get("reset-peer-up");
        ResetPeer down = (ResetPeer) proxy.toxics().get("reset-peer-down");
        assertThat(up.getTimeout()).isEqualTo(10);
        assertThat(up.getStream()).isEqualTo(UPSTREAM);
        assertThat(down.getTimeout()).isEqualTo(10);
        assertThat(down.getStream()).isEqualTo(DOWNSTREAM);
    }

    // ---- ToxicsTest

    private ToxicList toxics() throws IOException {
        return testProxy().toxics();
    }

    @Test
    void toxic() throws IOException {
        Toxic toxic = toxics().bandwidth("my-toxic", DOWNSTREAM, 100);
        assertThat(toxic.getName()).isEqualTo("my-toxic");
        assertThat(toxic.getToxicity()).isCloseTo(1.0f, within(0.01f));
        assertThat(toxic.getStream()).isEqualTo(DOWNSTREAM);

        toxic.setToxicity(0.1f);
        assertThat(toxic.getToxicity()).isCloseTo(0.1f, within(0.01f));
    }

    @Test
    void getAllToxics() throws IOException {
        ToxicList toxics = toxics();
        toxics.bandwidth("my-toxic", DOWNSTREAM, 100);
        toxics.bandwidth("my-toxic-2", UPSTREAM, 200);

        List<? extends Toxic> list = toxics.getAll();
        assertThat(list).hasSize(2);
        Toxic t1 = list.stream().filter(t -> t.getName().equals("my-toxic")).findFirst().orElseThrow();
        Toxic t2 = list.stream().filter(t -> t.getName().equals("my-toxic-2")).findFirst().orElseThrow();
        assertThat(t1.getToxicity()).isCloseTo(1.0f, within(0.01f));
        assertThat(t1.getStream()).isEqualTo(DOWNSTREAM);
        assertThat(t1).isInstanceOf(Bandwidth.class);
        assertThat(((Bandwidth) t1).getRate()).isEqualTo(100);
        assertThat(t2.getToxicity()).isCloseTo(1.0f, within(0.01f));
        assertThat(t2.getStream()).isEqualTo(UPSTREAM);
        assertThat(t2).isInstanceOf(Bandwidth.class);
        assertThat(((Bandwidth) t2).getRate()).isEqualTo(200);
    }

    @Test
    void getToxic() throws IOException {
        ToxicList toxics = toxics();
        toxics.bandwidth("my-toxic", DOWNSTREAM, 100);
        Toxic t = toxics.get("my-toxic");
        assertThat(t.getName()).isEqualTo("my-toxic");
        assertThat(t.getToxicity()).isCloseTo(1.0f, within(0.01f));
        assertThat(t.getStream()).isEqualTo(DOWNSTREAM);
        assertThat(t).isInstanceOf(Bandwidth.class);
        assertThat(((Bandwidth) t).getRate()).isEqualTo(100);
    }

    @Test
    void removeToxic() throws IOException {
        ToxicList toxics = toxics();
        Toxic t = toxics.bandwidth("my-toxic", DOWNSTREAM, 100);
        assertThat(toxics.getAll()).hasSize(1);
        t.remove();
        assertThat(toxics.getAll()).isEmpty();
    }

    @Test
    void bandwidth() throws IOException {
        Bandwidth bandwidth = toxics().bandwidth("my-toxic", UPSTREAM, 100);
        assertThat(bandwidth.getRate()).isEqualTo(100);
        bandwidth.setRate(200);
        assertThat(bandwidth.getRate()).isEqualTo(200);
    }

    @Test
    void latency() throws IOException {
        Latency latency = toxics().latency("my-toxic", UPSTREAM, 100);
        assertThat(latency.getLatency()).isEqualTo(100);
        assertThat(latency.getJitter()).isZero();
        latency.setLatency(200);
        latency.setJitter(10);
        assertThat(latency.getLatency()).isEqualTo(200);
        assertThat(latency.getJitter()).isEqualTo(10);
    }

    @Test
    void slicer() throws IOException {
        Slicer slicer = toxics().slicer("my-toxic", UPSTREAM, 100, 10);
        assertThat(slicer.getAverageSize()).isEqualTo(100);
        assertThat(slicer.getDelay()).isEqualTo(10);
        slicer.setAverageSize(200);
        slicer.setDelay(20);
        assertThat(slicer.getAverageSize()).isEqualTo(200);
        assertThat(slicer.getDelay()).isEqualTo(20);
    }

    @Test
    void slowClose() throws IOException {
        SlowClose slowClose = toxics().slowClose("my-toxic", UPSTREAM, 100);
        assertThat(slowClose.getDelay()).isEqualTo(100);
        slowClose.setDelay(200);
        assertThat(slowClose.getDelay()).isEqualTo(200);
    }

    @Test
    void timeout() throws IOException {
        Timeout timeout = toxics().timeout("my-toxic", UPSTREAM, 100);
        assertThat(timeout.getTimeout()).isEqualTo(100);
        timeout.setTimeout(200);
        assertThat(timeout.getTimeout()).isEqualTo(200);
    }

    @Test
    void limitData() throws IOException {
        LimitData limit = toxics().limitData("my-toxic", UPSTREAM, 100);
        assertThat(limit.getBytes()).isEqualTo(100);
        limit.setBytes(200);
        assertThat(limit.getBytes()).isEqualTo(200);
    }

    @Test
    void resetPeer() throws IOException {
        ResetPeer reset = toxics().resetPeer("my-toxic", UPSTREAM, 100);
        assertThat(reset.getTimeout()).isEqualTo(100);
        reset.setTimeout(200);
        assertThat(reset.getTimeout()).isEqualTo(200);
    }
}
