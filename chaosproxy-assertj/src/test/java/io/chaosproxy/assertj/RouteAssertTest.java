package io.chaosproxy.assertj;

import static io.chaosproxy.assertj.ChaosAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The assertions against a real route: they pass on what it did, and fail saying what it did instead. */
@Timeout(30)
class RouteAssertTest {

    @Test
    void passesOnWhatTheRouteDid() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ChaosProxy proxy = ChaosProxy.builder().seed(1)
                        .route(0, "127.0.0.1:" + upstream.getLocalPort()).name("db")
                        .resetPeer(Duration.ZERO).start()) {
            Route db = proxy.route("db");
            for (int i = 0; i < 3; i++) {
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), db.localPort());
                        Socket accepted = upstream.accept()) {
                    client.setSoTimeout(10_000);
                    readUntilCut(client.getInputStream());
                }
            }
            db.awaitIdle(Duration.ofSeconds(10));

            assertThat(db).acceptedConnections(3).acceptedAtLeast(2).openConnections(0).droppedConnections(0)
                    .injected("reset_peer").injected("reset_peer", 3).neverInjected("latency")
                    .noUpstreamErrors().upstreamErrors(0).hasFault("reset_peer_downstream").isEnabled();
            db.disable();
            assertThat(db).isDisabled();
            db.clearFaults();
            assertThat(db).hasNoFaults();
        }
    }

    @Test
    void failsWithTheExpectationAndEveryCount() throws Exception {
        int deadPort;
        try (ServerSocket reserved = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = reserved.getLocalPort();
        }
        try (ChaosProxy proxy = ChaosProxy.builder().route(0, "127.0.0.1:" + deadPort).name("api").start()) {
            Route api = proxy.route("api");
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), api.localPort())) {
                client.setSoTimeout(10_000);
                readUntilCut(client.getInputStream());   // the upstream refuses: the proxy closes the client
            }
            api.awaitMetrics(m -> !m.upstreamFailures().isEmpty(), Duration.ofSeconds(10));

            assertThatThrownBy(() -> assertThat(api).noUpstreamErrors())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expecting route 'api' to have no upstream errors but it had {refused=1}")
                    .hasMessageContaining("Its counts: ProxyMetrics[acceptedConnections=1");
            assertThatThrownBy(() -> assertThat(api).acceptedConnections(2))
                    .hasMessageContaining("to have accepted 2 connections but it accepted 1");
            assertThatThrownBy(() -> assertThat(api).injected("reset_peer"))
                    .hasMessageContaining("to have injected reset_peer but it did not");
            assertThatThrownBy(() -> assertThat(api).hasFault("slow"))
                    .hasMessageContaining("to have a fault named slow but its faults are []");
            assertThatThrownBy(() -> assertThat(api).isDisabled()).hasMessageContaining("to be disabled");
            assertThatThrownBy(() -> assertThat((Route) null).acceptedConnections(0))
                    .isInstanceOf(AssertionError.class).hasMessageContaining("Expecting actual not to be null");
        }
    }

    private static void readUntilCut(InputStream in) {
        try {
            while (in.read() >= 0) {
                // the upstream sends nothing; the proxy cuts or closes
            }
        } catch (IOException cut) {
            // a reset: what the fault does
        }
    }
}
