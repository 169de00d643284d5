package io.chaosproxy.cli.admin;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import io.chaosproxy.ChaosProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For each test: an echo upstream, an empty proxy (seed 42), its admin API on an ephemeral port, Toxiproxy's Java
 * client on that API, and one proxy "echo" created through the client.
 */
abstract class ToxiproxyClientFixture {
    EchoServer upstream;
    ChaosProxy chaos;
    AdminServer admin;
    ToxiproxyClient client;
    Proxy proxy;
    int port;

    @BeforeEach
    void start() throws IOException {
        upstream = new EchoServer();
        chaos = ChaosProxy.builder().allowNoRoutes().seed(42).shutdownTimeout(Duration.ZERO).start();
        admin = AdminServer.start(chaos, new InetSocketAddress("127.0.0.1", 0));
        client = new ToxiproxyClient("127.0.0.1", admin.address().getPort());
        proxy = client.createProxy("echo", "127.0.0.1:0", upstream.address());
        port = Conn.portOf(proxy.getListen());
    }

    @AfterEach
    void stop() throws IOException {
        admin.close();
        chaos.close();
        upstream.close();
    }
}
