package io.chaosproxy.attack12;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.TcpServer;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * packet_loss at its extremes: everything lost, in bursts (correlation 1.0), behind and ahead of other faults;
 * the end of the stream is no packet and always arrives, as a FIN, never an RST; and noop, on the fast path and in
 * a chain.
 */
@Timeout(60)
class PacketLossAttackTest {

    @Test
    void everythingLostStillEndsEachStreamWithAFin() throws Exception {
        CompletableFuture<String> upstreamSaw = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    try {
                        byte[] got = Bytes.readToEnd(socket.getInputStream());
                        upstreamSaw.complete(got.length + " bytes, fin");
                        socket.getOutputStream().write("answer".getBytes(StandardCharsets.US_ASCII));
                        socket.shutdownOutput();
                    } catch (SocketException e) {
                        upstreamSaw.complete("reset");
                    }
                });
                ChaosProxy proxy = proxy(upstream, Fault.packetLoss(1.0).correlation(1.0).direction(Direction.BOTH));
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            OutputStream out = client.getOutputStream();
            for (int i = 0; i < 100; i++) {
                out.write(Bytes.payload(i, 1000));
            }
            client.shutdownOutput();
            assertThat(upstreamSaw.get(20, TimeUnit.SECONDS)).isEqualTo("0 bytes, fin");
            assertThat(Bytes.readToEnd(client.getInputStream())).isEmpty();   // the answer lost, the FIN not
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(proxy.metrics().bytesUpstream()).isZero();
            assertThat(proxy.metrics().bytesDownstream()).isZero();
            assertThat(proxy.metrics().bufferedBytes()).isZero();
            assertThat(proxy.metrics().faultsInjected()).containsKey("packet_loss");
        }
    }

    @Test
    void theEndArrivesBehindALatencyAndAfterInsertedBytesAreLostToo() throws Exception {
        CompletableFuture<String> upstreamSaw = new CompletableFuture<>();
        List<String> closes = new CopyOnWriteArrayList<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    try {
                        upstreamSaw.complete(Bytes.readToEnd(socket.getInputStream()).length + " bytes, fin");
                        socket.shutdownOutput();
                    } catch (SocketException e) {
                        upstreamSaw.complete("reset");
                    }
                });
                ChaosProxy proxy = ChaosProxy.builder().seed(12).shutdownTimeout(Duration.ZERO)
                        .listener(event -> {
                            if (event instanceof ChaosEvent.ConnectionClosed closed) {
                                closes.add(closed.reason());
                            }
                        })
                        .route(0, upstream.address())
                        .fault(Fault.corrupt(1.0).inserting().direction(Direction.UPSTREAM))
                        .fault(Fault.packetLoss(1.0).direction(Direction.UPSTREAM))
                        .fault(Fault.latency(Duration.ofMillis(100)).direction(Direction.UPSTREAM))
                        .start();
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            client.getOutputStream().write(Bytes.payload(1, 50_000));
            client.shutdownOutput();
            assertThat(upstreamSaw.get(20, TimeUnit.SECONDS)).isEqualTo("0 bytes, fin");
            assertThat(Bytes.readToEnd(client.getInputStream())).isEmpty();
            await().atMost(Duration.ofSeconds(10)).until(() -> closes.size() == 1);
            assertThat(closes).containsExactly("completed");
            assertThat(proxy.metrics().bytesCorrupted()).isPositive();   // inserted, then lost with the rest
            assertThat(proxy.metrics().bufferedBytes()).isZero();
        }
    }

    @Test
    void aCutAfterEverythingWasLostResetsTheSideStillSending() throws Exception {
        CompletableFuture<String> upstreamSaw = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    try {
                        upstreamSaw.complete(Bytes.readToEnd(socket.getInputStream()).length + " bytes, fin");
                    } catch (SocketException e) {
                        upstreamSaw.complete("reset");
                    }
                });
                ChaosProxy proxy = proxy(upstream, Fault.packetLoss(1.0).direction(Direction.UPSTREAM));
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            client.getOutputStream().write(new byte[10_000]);
            Route route = proxy.routes().get(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> !route.metrics().faultsInjected().isEmpty());
            route.connections().get(0).close();
            // The client had not ended its stream: the upstream must not take silence and a FIN for its end.
            assertThat(upstreamSaw.get(20, TimeUnit.SECONDS)).isEqualTo("reset");
        }
    }

    @Test
    void noopOnTheFastPathAndInAChainChangesNothing() throws Exception {
        byte[] payload = Bytes.payload(3, 300_000);
        for (List<Fault> faults : List.of(
                List.of(Fault.noop().direction(Direction.BOTH)),
                List.of(Fault.noop().direction(Direction.BOTH).named("a"), Fault.slicer(100, 100, Duration.ZERO)
                        .direction(Direction.BOTH), Fault.noop().direction(Direction.BOTH).named("b"),
                        Fault.latency(Duration.ofMillis(5)).direction(Direction.BOTH)))) {
            try (TcpServer upstream = TcpServer.echo();
                    ChaosProxy proxy = proxy(upstream, faults.toArray(Fault[]::new));
                    Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
                CompletableFuture<Void> writer = io.chaosproxy.Async.runAsync(() -> {
                    try {
                        client.getOutputStream().write(payload);
                        client.shutdownOutput();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                assertThat(Bytes.readToEnd(client.getInputStream())).as("%s", faults).isEqualTo(payload);
                writer.get(20, TimeUnit.SECONDS);
                assertThat(proxy.metrics().faultsInjected()).doesNotContainKey("noop");
            }
        }
    }

    private static ChaosProxy proxy(TcpServer upstream, Fault... faults) {
        var route = ChaosProxy.builder().seed(12).shutdownTimeout(Duration.ZERO).route(0, upstream.address());
        for (Fault fault : faults) {
            route.fault(fault);
        }
        return route.start();
    }
}
