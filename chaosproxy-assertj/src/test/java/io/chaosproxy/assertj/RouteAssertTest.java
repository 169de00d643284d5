package io.chaosproxy.assertj;

import static io.chaosproxy.assertj.ChaosAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        // Bound and never listening: refuses for good, and no other build's server can take the port meanwhile.
        try (Socket deadUpstream = new Socket()) {
            deadUpstream.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            failsAgainst("127.0.0.1:" + deadUpstream.getLocalPort());
        }
    }

    private static void failsAgainst(String deadUpstream) throws Exception {
        try (ChaosProxy proxy = ChaosProxy.builder().route(0, deadUpstream).name("api").start()) {
            Route api = proxy.route("api");
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), api.localPort())) {
                client.setSoTimeout(10_000);
                readUntilCut(client.getInputStream());   // the upstream refuses: the proxy closes the client
            }
            api.awaitMetrics(m -> !m.upstreamFailures().isEmpty(), Duration.ofSeconds(10));

            assertThatThrownBy(() -> assertThat(api).noUpstreamErrors())
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("Expecting route 'api' to have no upstream errors but it had {refused=1}")
                    .hasMessageContaining("Its counts: ProxyMetrics[acceptedConnections=1")
                    .hasMessageContaining("Its journal:")
                    .hasMessageContaining("api#1 opened from 127.0.0.1:")
                    .hasMessageContaining("api#1 upstream");
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

    @Test
    void theMessageShowsTheCountsTheCheckReadWhileTrafficFlows() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ChaosProxy proxy = ChaosProxy.builder().route(0, "127.0.0.1:" + upstream.getLocalPort()).name("db")
                        .dropRate(1.0).start()) {
            Route db = proxy.route("db");
            AtomicBoolean stop = new AtomicBoolean();
            Thread clients = new Thread(() -> {
                while (!stop.get()) {
                    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), db.localPort())) {
                        client.getInputStream().read();   // the route drops it: closed at once
                    } catch (IOException dropped) {
                        // a reset: the drop
                    }
                }
            });
            clients.start();
            try {
                db.awaitConnections(1, Duration.ofSeconds(10));
                Pattern said = Pattern.compile("it accepted (\\d+)[\\s\\S]*acceptedConnections=(\\d+)");
                for (int i = 0; i < 50; i++) {
                    AssertionError error = catchThrowableOfType(AssertionError.class,
                            () -> assertThat(db).acceptedConnections(-1));
                    Matcher matcher = said.matcher(error.getMessage());
                    org.assertj.core.api.Assertions.assertThat(matcher.find()).as(error.getMessage()).isTrue();
                    org.assertj.core.api.Assertions.assertThat(matcher.group(2)).as(error.getMessage())
                            .isEqualTo(matcher.group(1));
                }
            } finally {
                stop.set(true);
                clients.join();
            }
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
