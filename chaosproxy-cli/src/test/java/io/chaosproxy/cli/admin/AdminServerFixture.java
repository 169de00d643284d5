package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** For each test: an echo upstream, an empty proxy (seed 7) and its admin API on an ephemeral port. */
abstract class AdminServerFixture {
    EchoServer upstream;
    ChaosProxy chaos;
    AdminServer admin;
    AdminClient api;

    @BeforeEach
    void startAdminServer() throws IOException {
        upstream = new EchoServer();
        chaos = ChaosProxy.builder().allowNoRoutes().seed(7).shutdownTimeout(Duration.ZERO).start();
        admin = AdminServer.start(chaos, new InetSocketAddress("127.0.0.1", 0));
        api = new AdminClient(admin);
    }

    @AfterEach
    void stopAdminServer() throws IOException {
        admin.close();
        chaos.close();
        upstream.close();
    }
}
