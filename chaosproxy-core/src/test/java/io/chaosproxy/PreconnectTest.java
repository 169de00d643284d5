package io.chaosproxy;

import static io.chaosproxy.FaultTestSupport.millisSince;
import static io.chaosproxy.FaultTestSupport.payload;
import static io.chaosproxy.FaultTestSupport.sendAndReadAll;
import static io.chaosproxy.FaultTestSupport.sha256;
import static io.chaosproxy.RuntimeFaultsTest.roundTripMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.reliability.Resources;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
    void aClientIsServedOverAPreOpenedConnectionWithItsBytesUnchanged() throws Exception {
        List<Long> servedByAcceptedAt = new CopyOnWriteArrayList<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    long acceptedAt = System.nanoTime();
                    InputStream in = socket.getInputStream();
                    int first = in.read();
                    if (first < 0) {
                        return;
                    }
                    servedByAcceptedAt.add(acceptedAt);
                    OutputStream out = socket.getOutputStream();
                    out.write(first);
                    in.transferTo(out);
                    socket.shutdownOutput();
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).preconnect(2).start()) {
            Route route = proxy.routes().get(0);
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.acceptedConnections() == 2);
            byte[] data = payload(11, 1 << 20);
            long clientConnectsAt = System.nanoTime();
            try (Socket client = Sockets.connect(route)) {
                byte[] echoed = sendAndReadAll(client, data);
                assertThat(echoed).hasSize(data.length);
                assertThat(sha256(echoed)).isEqualTo(sha256(data));
            }
            // The upstream served it on a connection it had accepted before the client came, and only then was
            // the one taken replaced.
            assertThat(servedByAcceptedAt).singleElement().satisfies(at -> assertThat(at).isLessThan(clientConnectsAt));
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.acceptedConnections() == 3);
            Upstream target = route.upstream(upstream.address());
            assertThat(target.connectionsTotal()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(5)).until(() -> target.activeConnections() == 0);
        }
    }

    @Test
    void anIdleConnectionTheUpstreamClosedIsNeverHandedToAClient() throws Exception {
        AtomicInteger idleOpen = new AtomicInteger();
        AtomicInteger closedIdle = new AtomicInteger();
        List<Long> servedByAcceptedAt = new CopyOnWriteArrayList<>();
        try (TcpServer upstream = closingIdleAfter(Duration.ofMillis(200), idleOpen, closedIdle, servedByAcceptedAt);
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).preconnect(1).start()) {
            Route route = proxy.routes().get(0);
            for (int round = 1; round <= 3; round++) {
                // Just after the upstream closed the idle one: the client must not get it.
                int closed = round;
                await().atMost(Duration.ofSeconds(10)).until(() -> closedIdle.get() >= closed);
                try (Socket client = Sockets.connect(route)) {
                    assertThat(roundTripMillis(client, round)).isLessThan(5000);
                }
                // Its replacement, opened after the close was seen: the client gets that one, and it works.
                await().atMost(Duration.ofSeconds(10)).until(() -> idleOpen.get() == 1);
                long clientConnectsAt = System.nanoTime();
                try (Socket client = Sockets.connect(route)) {
                    assertThat(roundTripMillis(client, 100 + round)).isLessThan(5000);
                }
                assertThat(servedByAcceptedAt).last().satisfies(at -> assertThat(at).isLessThan(clientConnectsAt));
            }
            assertThat(proxy.metrics().upstreamFailures()).isEmpty();
        }
    }

    /**
     * An echo server that closes a connection on which nothing came within {@code idle}, counting it, and records
     * when each connection it served was accepted.
     */
    private static TcpServer closingIdleAfter(Duration idle, AtomicInteger idleOpen, AtomicInteger closedIdle,
            List<Long> servedByAcceptedAt) {
        return TcpServer.start(socket -> {
            long acceptedAt = System.nanoTime();
            idleOpen.incrementAndGet();
            socket.setSoTimeout((int) idle.toMillis());
            int first;
            try {
                first = socket.getInputStream().read();
            } catch (SocketTimeoutException e) {
                idleOpen.decrementAndGet();
                socket.close();
                closedIdle.incrementAndGet();
                return;
            } finally {
                socket.setSoTimeout(0);
            }
            idleOpen.decrementAndGet();
            if (first < 0) {
                return;
            }
            servedByAcceptedAt.add(acceptedAt);
            socket.getOutputStream().write(first);
            socket.getInputStream().transferTo(socket.getOutputStream());
        });
    }

    /** 5,000 bytes fit what an idle connection keeps; 40,000 bytes overflow it, and the rest waits in the socket. */
    @ParameterizedTest
    @ValueSource(ints = {5_000, 40_000})
    void aServerFirstUpstreamsGreetingReachesTheClientIntact(int greetingSize) throws Exception {
        byte[] greeting = payload(greetingSize, greetingSize);
        AtomicInteger greeted = new AtomicInteger();
        try (TcpServer upstream = greetingEcho(greeting, greeted);
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).preconnect(2).start()) {
            Route route = proxy.routes().get(0);
            await().atMost(Duration.ofSeconds(5)).until(() -> greeted.get() == 2);
            for (int i = 0; i < 4; i++) {   // the first two pre-opened long ago, the others just replaced
                try (Socket client = Sockets.connect(route)) {
                    assertThat(client.getInputStream().readNBytes(greeting.length)).isEqualTo(greeting);
                    byte[] data = payload(i, 100_000);
                    assertThat(sha256(sendAndReadAll(client, data))).isEqualTo(sha256(data));
                }
            }
        }
    }

    @Test
    void theRoutesAndTheTargetsFaultsApplyToAPreOpenedConnectionAndItsGreeting() throws Exception {
        byte[] greeting = payload(3, 100);
        AtomicInteger greeted = new AtomicInteger();
        try (TcpServer upstream = greetingEcho(greeting, greeted);
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).preconnect(1)
                        .fault(Fault.latency(Duration.ofMillis(150)).named("route_slow").direction(Direction.DOWNSTREAM))
                        .upstreamFault(upstream.address(), Fault.latency(Duration.ofMillis(150)).named("target_slow")
                                .direction(Direction.DOWNSTREAM))
                        .start()) {
            Route route = proxy.routes().get(0);
            await().atMost(Duration.ofSeconds(5)).until(() -> greeted.get() == 1);
            long connectedAt = System.nanoTime();
            try (Socket client = Sockets.connect(route)) {
                assertThat(client.getInputStream().readNBytes(greeting.length)).isEqualTo(greeting);
                assertThat(millisSince(connectedAt)).isGreaterThanOrEqualTo(300);
                assertThat(route.connections()).singleElement().satisfies(c -> assertThat(c.faults())
                        .extracting(Fault::name).containsExactly("route_slow", "target_slow"));
            }
        }
    }

    /** Writes {@code greeting} at once to each connection (counting it), then echoes. */
    private static TcpServer greetingEcho(byte[] greeting, AtomicInteger greeted) {
        return TcpServer.start(socket -> {
            OutputStream out = socket.getOutputStream();
            out.write(greeting);
            greeted.incrementAndGet();
            socket.getInputStream().transferTo(out);
            socket.shutdownOutput();
        });
    }

    @Test
    void anUnhealthyTargetHandsOutNoneOfItsIdleConnections() throws Exception {
        try (HoldingServer a = new HoldingServer("a"); TcpServer b = TcpServer.identity("b");
                ChaosProxy proxy = ChaosProxy.builder().route(0, a.address(), b.address()).preconnect(2)
                        .healthCheck(Duration.ofMillis(100), Duration.ofMillis(500)).start()) {
            Route route = proxy.routes().get(0);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.held() >= 2);
            a.stopListening();   // the idle connections to a stay open; its probes fail
            await().atMost(Duration.ofSeconds(5)).until(() -> !route.upstream(a.address()).healthy());
            for (int i = 0; i < 6; i++) {
                try (Socket client = Sockets.connect(route)) {
                    assertThat(Sockets.readAll(client)).isEqualTo("b");
                }
            }
            assertThat(route.upstream(a.address()).connectionsTotal()).isZero();
        }
    }

    /** Answers its name to each connection's first byte; keeps every connection open after it stops listening. */
    private static final class HoldingServer implements AutoCloseable {
        private final TcpServer server;
        private final AtomicInteger held = new AtomicInteger();

        HoldingServer(String name) {
            server = TcpServer.start(socket -> {
                held.incrementAndGet();
                if (socket.getInputStream().read() >= 0) {
                    socket.getOutputStream().write(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                socket.getInputStream().transferTo(OutputStream.nullOutputStream());
            });
        }

        String address() {
            return server.address();
        }

        int held() {
            return held.get();
        }

        void stopListening() throws Exception {
            server.stopAccepting();
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    @Test
    void aClientIsAnsweredWithoutWaitingForTheUpstreamsSlowConnect() throws Exception {
        // The upstream sits behind a second proxy that holds each connect for 300 ms: a slow connection setup.
        try (TcpServer echo = TcpServer.echo();
                ChaosProxy slowSetup = ChaosProxy.builder().route(0, echo.address())
                        .connectDelay(Duration.ofMillis(300)).start();
                ChaosProxy plain = ChaosProxy.builder().route(0, "127.0.0.1:" + slowSetup.routes().get(0).localPort())
                        .start();
                ChaosProxy preconnected = ChaosProxy.builder()
                        .route(0, "127.0.0.1:" + slowSetup.routes().get(0).localPort()).preconnect(1).start()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> echo.acceptedConnections() == 1);
            long without;
            try (Socket client = Sockets.connect(plain.routes().get(0))) {
                without = roundTripMillis(client, 1);
            }
            long with;
            try (Socket client = Sockets.connect(preconnected.routes().get(0))) {
                with = roundTripMillis(client, 2);
            }
            assertThat(without).isGreaterThanOrEqualTo(300);
            assertThat(with).isLessThan(150);
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
            await().atMost(Duration.ofSeconds(15)).until(() -> a.acceptedConnections() - aBefore == 3
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
