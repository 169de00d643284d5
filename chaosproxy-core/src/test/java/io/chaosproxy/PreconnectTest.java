package io.chaosproxy;

import static io.chaosproxy.RuntimeFaultsTest.roundTripMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.reliability.Resources;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code preconnect(n)}: idle upstream connections opened ahead of any client, through real sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PreconnectTest {

    @Test
    void eachTargetHasAcceptedTheIdleConnectionsBeforeAnyClientComes() throws Exception {
        try (TcpServer a = TcpServer.echo(); TcpServer b = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, a.address(), b.address()).preconnect(2).start()) {
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5))
                    .until(() -> a.acceptedConnections() == 2 && b.acceptedConnections() == 2);
            Route route = proxy.routes().get(0);
            assertThat(route.connections()).isEmpty();
            assertThat(route.upstreams()).allSatisfy(u -> assertThat(u.connectionsTotal()).isZero());
        }
    }

    @Test
    void closingLeavesNoThreadSocketOrDescriptorBehind() throws Exception {
        AtomicInteger upstreamSawClose = new AtomicInteger();
        try (TcpServer a = countingCloses(upstreamSawClose); TcpServer b = countingCloses(upstreamSawClose)) {
            round(a, b, 0);   // warm-up: classes loaded, buffers made
            await().atMost(Duration.ofSeconds(10)).until(() -> upstreamSawClose.get() == a.acceptedConnections()
                    + b.acceptedConnections());
            long fdsBefore = Resources.openFileDescriptors();
            for (int i = 1; i <= 10; i++) {
                round(a, b, i);
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                // Every connection the proxies opened, idle or used, was closed: the upstreams saw each end.
                assertThat(upstreamSawClose.get()).isEqualTo(a.acceptedConnections() + b.acceptedConnections());
                assertThat(Sockets.proxyThreads()).filteredOn(name -> !name.startsWith("chaos-proxy-resolver"))
                        .isEmpty();
                if (fdsBefore >= 0) {
                    // ten rounds of 6 idle sockets and a selector each could not hide in this slack
                    assertThat(Resources.openFileDescriptors()).isLessThanOrEqualTo(fdsBefore + 10);
                }
            });
        }
    }

    private static void round(TcpServer a, TcpServer b, int i) throws Exception {
        int aBefore = a.acceptedConnections();
        int bBefore = b.acceptedConnections();
        try (ChaosProxy proxy = ChaosProxy.builder().route(0, a.address(), b.address()).name("leak-" + i)
                .preconnect(3).start()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> a.acceptedConnections() - aBefore == 3
                    && b.acceptedConnections() - bBefore == 3);
            assertThat(Sockets.proxyThreads()).contains("chaos-proxy-preconnect-leak-" + i);
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                roundTripMillis(client, i);
            }
        }
    }

    /** An echo server counting the connections whose client went away. */
    private static TcpServer countingCloses(AtomicInteger closes) {
        return TcpServer.start(socket -> {
            try {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                in.transferTo(out);
            } finally {
                closes.incrementAndGet();
            }
        });
    }
}
