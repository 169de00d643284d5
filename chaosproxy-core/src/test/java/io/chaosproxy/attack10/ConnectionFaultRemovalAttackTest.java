package io.chaosproxy.attack10;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import io.chaosproxy.TcpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connection faults changed on a live connection: a removed one's timer must not fire at its old deadline, a
 * changed one's deadline is the new one, and one added later still ends the connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionFaultRemovalAttackTest {
    private static final Duration SHORT = Duration.ofMillis(300);

    @Test
    void aRemovedMaxLifetimeNoLongerEndsTheConnection() throws Exception {
        assertSurvivesPastOldDeadline(Fault.maxLifetime(SHORT).named("life"), route -> route.removeFault("life"));
    }

    @Test
    void aRemovedResetPeerNoLongerResetsTheConnection() throws Exception {
        assertSurvivesPastOldDeadline(Fault.resetPeer(SHORT).named("rst"), route -> route.removeFault("rst"));
    }

    @Test
    void aMaxLifetimeMadeLongerKeepsTheConnectionPastTheOldDeadline() throws Exception {
        assertSurvivesPastOldDeadline(Fault.maxLifetime(SHORT).named("life"),
                route -> route.updateFault(Fault.maxLifetime(Duration.ofHours(1)).named("life")));
    }

    @Test
    void aResetPeerAtToxicityZeroNeverFires() throws Exception {
        assertSurvivesPastOldDeadline(Fault.resetPeer(SHORT).named("rst"),
                route -> route.updateFault(Fault.resetPeer(SHORT).named("rst").toxicity(0.0)));
    }

    @Test
    void aMaxLifetimeAddedToALiveConnectionEndsIt() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(7).route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0).localPort())) {
            roundTrip(client);
            proxy.routes().get(0).addFault(Fault.maxLifetime(SHORT));
            client.setSoTimeout(10_000);
            assertThat(client.getInputStream().read()).as("end of stream").isEqualTo(-1);
        }
    }

    private interface Change {
        void apply(Route route) throws Exception;
    }

    private static void assertSurvivesPastOldDeadline(Fault fault, Change change) throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(7).route(0, upstream.address()).fault(fault).start();
                Socket client = Sockets.connect(proxy.routes().get(0).localPort())) {
            Route route = proxy.routes().get(0);
            roundTrip(client);
            change.apply(route);
            long changed = System.nanoTime();
            // Past the old deadline, by far: the connection still carries bytes both ways.
            await().pollDelay(SHORT.multipliedBy(3)).atMost(Duration.ofSeconds(10)).until(() ->
                    System.nanoTime() - changed > SHORT.multipliedBy(3).toNanos());
            roundTrip(client);
            assertThat(proxy.metrics().activeConnections()).isEqualTo(1);
            assertThat(proxy.metrics().faultsInjected()).doesNotContainKeys("max_lifetime", "reset_peer");
        }
    }

    private static void roundTrip(Socket client) throws Exception {
        client.setSoTimeout(5_000);
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        byte[] ping = "ping".getBytes();
        out.write(ping);
        out.flush();
        assertThat(in.readNBytes(ping.length)).isEqualTo(ping);
    }
}
