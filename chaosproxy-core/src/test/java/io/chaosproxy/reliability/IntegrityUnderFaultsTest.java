package io.chaosproxy.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import io.chaosproxy.TcpServer;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every byte arrives unchanged, with no fault and through every fault that lets data through: one connection
 * carries a seeded stream each way at once, and each end checks what it received by SHA-256 (the upstream the
 * client's stream, the client the upstream's). {@code mvn verify} moves 480 MiB each way (128 MiB without a
 * fault, 64 MiB through a stall added and removed mid-transfer, 32 MiB through each other case);
 * {@code -Preliability} moves 1,216 MiB each way (512, 128 and 64 MiB).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)   // the long run's budget; a stuck transfer fails after WAIT
class IntegrityUnderFaultsTest {
    private static final long MIB = 1 << 20;
    private static final long NO_FAULT = Scale.pick(128 * MIB, 512 * MIB);
    // More than the proxy's send buffer plus the receiver's (autotuned up to 32 MiB on Linux) can hold, so the
    // stall is sure to catch part of the stream.
    private static final long STALLED = Scale.pick(64 * MIB, 128 * MIB);
    private static final long PER_FAULT = Scale.pick(32 * MIB, 64 * MIB);
    private static final Duration WAIT = Duration.ofSeconds(Scale.pick(60, 600));
    private static final AtomicLong verifiedEachWay = new AtomicLong();

    static Stream<Arguments> faultsThatLetDataThrough() {
        Fault latency = Fault.latency(Duration.ofMillis(2)).jitter(Duration.ofMillis(2));
        Fault bandwidth = Fault.bandwidth(100_000_000);
        Fault slicer = Fault.slicer(1500, 500, Duration.ZERO);
        Fault slowClose = Fault.slowClose(Duration.ofMillis(100));
        Fault loss = Fault.loss(0.05).retransmitDelay(Duration.ofMillis(10));
        Fault connectDelay = Fault.connectDelay(Duration.ofMillis(100));
        Fault maxLifetime = Fault.maxLifetime(Duration.ofMinutes(30));
        Fault resetPeer = Fault.resetPeer(Duration.ofMinutes(30));
        return Stream.of(
                Arguments.of("latency 2 ms, jitter 2 ms", List.of(latency)),
                Arguments.of("bandwidth 100 MB/s", List.of(bandwidth)),
                Arguments.of("slicer 1500 +- 500 bytes", List.of(slicer)),
                Arguments.of("slow close 100 ms", List.of(slowClose)),
                Arguments.of("loss 5 %, retransmit 10 ms", List.of(loss)),
                Arguments.of("connect delay 100 ms", List.of(connectDelay)),
                Arguments.of("max lifetime 30 min", List.of(maxLifetime)),
                Arguments.of("reset peer after 30 min", List.of(resetPeer)),
                // Loss before the slicer: behind it every 1500-byte slice would be a chunk that may be lost.
                Arguments.of("all of them at once", List.of(connectDelay, latency, loss, slicer, bandwidth,
                        slowClose, maxLifetime, resetPeer)));
    }

    @Test
    void everyByteArrivesUnchangedWithoutAFault() throws Exception {
        try (TwoWay transfer = new TwoWay(NO_FAULT, List.of())) {
            transfer.run("no fault", duplex -> { });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("faultsThatLetDataThrough")
    void everyByteArrivesUnchangedThroughFaults(String name, List<Fault> faults) throws Exception {
        List<Fault> bothWays = faults.stream().map(fault -> fault.direction(Direction.BOTH)).toList();
        try (TwoWay transfer = new TwoWay(PER_FAULT, bothWays)) {
            transfer.run(name, duplex -> { });
        }
    }

    @Test
    void everyByteArrivesUnchangedThroughAStallAddedAndRemovedMidTransfer() throws Exception {
        try (TwoWay transfer = new TwoWay(STALLED, List.of())) {
            Route route = transfer.route();
            transfer.run("timeout(0) added, then removed mid-transfer", client -> {
                client.milestoneReached.join();
                route.addFault(Fault.timeout(Duration.ZERO).direction(Direction.BOTH).named("stall"));
                // Stalled: what the proxy wrote (both ways) stops moving, short of the end.
                AtomicLong lastSeen = new AtomicLong(-1);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    long moved = route.metrics().bytesUpstream() + route.metrics().bytesDownstream();
                    return lastSeen.getAndSet(moved) == moved;
                });
                assertThat(route.metrics().bytesUpstream()).isLessThan(STALLED);
                assertThat(route.metrics().bytesDownstream()).isLessThan(STALLED);
                route.removeFault("stall");
            });
        }
    }

    @AfterAll
    static void printVolume() {
        System.out.printf("reliability integrity: %s verified each way (client->upstream and upstream->client, "
                + "SHA-256 at the receiving end)%n", Scale.mib(verifiedEachWay.get()));
    }

    /** A proxy with one route to an upstream that answers each connection with a two-way seeded transfer. */
    private static final class TwoWay implements AutoCloseable {
        private final long bytes;
        private final CompletableFuture<Duplex> upstreamEnd = new CompletableFuture<>();
        private final TcpServer upstream;
        private final ChaosProxy proxy;

        TwoWay(long bytes, List<Fault> faults) {
            this.bytes = bytes;
            upstream = TcpServer.start(socket -> {
                Duplex duplex = Duplex.start(socket, bytes, 2, Long.MAX_VALUE, "test-upstream");
                upstreamEnd.complete(duplex);
                // The server closes the socket when this returns: hold it until both halves are done.
                CompletableFuture.allOf(duplex.sent, duplex.received).handle((ok, error) -> null).join();
            });
            var route = ChaosProxy.builder().seed(9).route(0, upstream.address());
            faults.forEach(route::fault);
            proxy = route.start();
        }

        Route route() {
            return proxy.routes().get(0);
        }

        /** Runs the transfer; {@code midTransfer} gets the client's end once it has received a few MiB. */
        void run(String name, Consumer<Duplex> midTransfer) throws Exception {
            long started = System.nanoTime();
            try (Socket socket = Sockets.connect(route().localPort())) {
                Duplex client = Duplex.start(socket, bytes, 1, 4 * MIB, "test-client");
                midTransfer.accept(client);
                String clientSent = get(client.sent);
                Sockets.Digest clientGot = get(client.received);
                Duplex server = get(upstreamEnd);
                String upstreamSent = get(server.sent);
                Sockets.Digest upstreamGot = get(server.received);

                assertThat(upstreamGot).as("%s: what the upstream received", name)
                        .isEqualTo(new Sockets.Digest(bytes, clientSent));
                assertThat(clientGot).as("%s: what the client received", name)
                        .isEqualTo(new Sockets.Digest(bytes, upstreamSent));
            }
            assertThat(route().metrics().bytesUpstream()).isEqualTo(bytes);
            assertThat(route().metrics().bytesDownstream()).isEqualTo(bytes);
            verifiedEachWay.addAndGet(bytes);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.printf("reliability integrity [%s]: %s each way verified in %d ms%n",
                    name, Scale.mib(bytes), millis);
        }

        private static <T> T get(CompletableFuture<T> future) throws Exception {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() throws Exception {
            try (upstream) {
                proxy.close();
            }
        }
    }
}
