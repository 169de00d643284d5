package io.chaosproxy.attack12;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.TcpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Corrupt's insert mode stacked with latency and a slicer, in every order, both ways: every byte sent arrives, in
 * order, behind the garbage; what arrived is exactly what was sent plus the bytes counted as corrupted; and the
 * stream ends with a FIN, never a reset.
 */
@Timeout(60)
class InsertStackAttackTest {
    private static final int PAYLOAD = 200 * 1024;

    /**
     * Each insertion adds 8 KiB on average before each chunk it picks, and a slicer ahead of it makes many small
     * chunks: the probabilities keep the garbage near the data's size (at p = 1.0 behind a 100-byte slicer the
     * echo grows to gigabytes, as it should).
     */
    static Stream<Arguments> stacks() {
        Fault latency = Fault.latency(Duration.ofMillis(20)).jitter(Duration.ofMillis(15));
        return Stream.of(
                Arguments.of("insert 1.0, latency, slicer 100±100",
                        List.of(Fault.corrupt(1.0).inserting(), latency, Fault.slicer(100, 100, Duration.ZERO))),
                Arguments.of("slicer 1000±1000, insert 0.05, latency",
                        List.of(Fault.slicer(1000, 1000, Duration.ZERO), Fault.corrupt(0.05).inserting(), latency)),
                Arguments.of("latency, slicer 100±100, insert 0.01",
                        List.of(latency, Fault.slicer(100, 100, Duration.ZERO), Fault.corrupt(0.01).inserting())),
                Arguments.of("insert 0.5, slicer 100±100, insert 0.01",
                        List.of(Fault.corrupt(0.5).inserting().named("first"), Fault.slicer(100, 100, Duration.ZERO),
                                Fault.corrupt(0.01).inserting().named("second"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stacks")
    void everyByteSentArrivesInOrderBehindTheGarbageAndTheStreamEndsCleanly(String name, List<Fault> faults)
            throws Exception {
        byte[] payload = Bytes.payload(12, PAYLOAD);
        CompletableFuture<byte[]> upstreamGot = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    // Echoes what it reads, and keeps a copy: the garbage going up comes back down, with more.
                    InputStream in = socket.getInputStream();
                    OutputStream out = socket.getOutputStream();
                    ByteArrayOutputStream copy = new ByteArrayOutputStream();
                    byte[] buffer = new byte[8192];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        copy.write(buffer, 0, n);
                        out.write(buffer, 0, n);
                    }
                    upstreamGot.complete(copy.toByteArray());
                    socket.shutdownOutput();
                });
                ChaosProxy proxy = proxy(upstream, faults);
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            CompletableFuture<Void> writer = io.chaosproxy.Async.runAsync(() -> {
                try {
                    for (int offset = 0; offset < PAYLOAD; offset += 4096) {
                        client.getOutputStream().write(payload, offset, Math.min(4096, PAYLOAD - offset));
                    }
                    client.shutdownOutput();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] clientGot = Bytes.readToEnd(client.getInputStream());   // a reset would throw here
            writer.get(20, TimeUnit.SECONDS);
            byte[] echoed = upstreamGot.get(20, TimeUnit.SECONDS);

            assertThat(Bytes.inOrderPrefix(payload, echoed)).as("client's bytes at the upstream, in order")
                    .isEqualTo(PAYLOAD);
            assertThat(Bytes.inOrderPrefix(echoed, clientGot)).as("upstream's bytes at the client, in order")
                    .isEqualTo(echoed.length);
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metrics().activeConnections() == 0);
            long corrupted = proxy.metrics().bytesCorrupted();
            System.out.printf("%s: sent %d, upstream got %d, client got %d, corrupted %d%n", name, PAYLOAD,
                    echoed.length, clientGot.length, corrupted);
            assertThat(echoed.length).as("garbage went up").isGreaterThan(PAYLOAD);
            assertThat(clientGot.length).as("what arrived: what was sent plus what was inserted")
                    .isEqualTo(PAYLOAD + corrupted);
            assertThat(proxy.metrics().bytesUpstream()).isEqualTo(echoed.length);
            assertThat(proxy.metrics().bytesDownstream()).isEqualTo(clientGot.length);
        }
    }

    /**
     * A listener may remove a fault when it hears of it (README: any control call, from a listener): what the
     * inserting corrupt held moves on, in order, and the connection goes on. It used to reset the connection: the
     * stage took its held chunk back after reporting the insertion, found none (the removal had passed it on) and
     * forwarded null.
     */
    @Test
    void aListenerRemovingTheInsertWhenItHearsOfItKeepsTheConnectionAndEveryByte() throws Exception {
        byte[] payload = Bytes.payload(13, 64 * 1024);
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        CompletableFuture<byte[]> upstreamGot = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    try {
                        upstreamGot.complete(Bytes.readToEnd(socket.getInputStream()));
                        socket.shutdownOutput();
                    } catch (java.net.SocketException e) {
                        upstreamGot.completeExceptionally(e);   // the proxy reset the connection
                    }
                });
                ChaosProxy proxy = ChaosProxy.builder().seed(12).shutdownTimeout(Duration.ZERO)
                        .listener(event -> {
                            events.add(event);
                            if (event instanceof ChaosEvent.FaultInjected injected
                                    && injected.fault().name().equals("garbage")) {
                                injected.connection().removeFault("garbage");
                            }
                        })
                        .route(0, upstream.address()).start();
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            ChaosConnection connection = await().atMost(Duration.ofSeconds(10))
                    .until(() -> proxy.routes().get(0).connections(), list -> !list.isEmpty()).get(0);
            connection.addFault(Fault.corrupt(1.0).inserting().direction(Direction.UPSTREAM).named("garbage"));
            client.getOutputStream().write(payload);
            client.shutdownOutput();

            byte[] got = upstreamGot.get(20, TimeUnit.SECONDS);
            assertThat(Bytes.readToEnd(client.getInputStream())).isEmpty();   // a FIN, no reset
            // Listeners hear of the close once the sockets are closed, which may be after the client saw its FIN.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> events.stream().anyMatch(ChaosEvent.ConnectionClosed.class::isInstance));
            assertThat(events).filteredOn(ChaosEvent.ConnectionClosed.class::isInstance)
                    .extracting(event -> ((ChaosEvent.ConnectionClosed) event).reason())
                    .containsExactly("completed");
            assertThat(got.length).as("one insertion, then the fault is gone")
                    .isEqualTo(payload.length + proxy.metrics().bytesCorrupted());
            assertThat(Arrays.copyOfRange(got, got.length - payload.length, got.length)).isEqualTo(payload);
        }
    }

    private static ChaosProxy proxy(TcpServer upstream, List<Fault> faults) {
        var route = ChaosProxy.builder().seed(12).shutdownTimeout(Duration.ZERO).route(0, upstream.address());
        faults.forEach(fault -> route.fault(fault.direction(Direction.BOTH)));
        return route.start();
    }
}
