package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.fault.DropMode;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Only {@code corrupt} may change a byte, and only {@code packet_loss} drop one. Every fault, applied both ways with settings under which it lets the
 * connection live, delivers the client's bytes to the upstream and the echo back unchanged, by SHA-256.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EveryFaultKeepsBytesTest {
    private static final int SIZE = 2 << 20;

    static Stream<Fault> faultsThatKeepTheConnection() {
        return Stream.of(
                Fault.latency(Duration.ofMillis(2)).jitter(Duration.ofMillis(1)),
                Fault.bandwidth(40_000_000),
                Fault.slicer(1000, 500, Duration.ZERO),
                Fault.timeout(Duration.ofSeconds(30)).toxicity(0.0),
                Fault.resetPeer(Duration.ofSeconds(30)),
                Fault.slowClose(Duration.ofMillis(50)),
                Fault.limitData(SIZE + 1),
                Fault.corrupt(0.0),
                Fault.corrupt(0.0).inserting(),
                Fault.slicer(100, 1000, Duration.ZERO),
                Fault.terminate(0.0),
                Fault.maxLifetime(Duration.ofSeconds(30)),
                Fault.connectDelay(Duration.ofMillis(50)),
                Fault.loss(0.05).retransmitDelay(Duration.ofMillis(1)),
                Fault.drop(0.0).mode(DropMode.RESET),
                Fault.packetLoss(0.0).correlation(1.0),
                Fault.noop())
                .map(fault -> fault.direction(Direction.BOTH));
    }

    @ParameterizedTest
    @MethodSource("faultsThatKeepTheConnection")
    void bytesArriveUnchangedBothWays(Fault fault) throws Exception {
        byte[] payload = RuntimeFaultsTest.randomBytes(SIZE, fault.type().hashCode());
        String expected = HexFormat.of().formatHex(Sockets.sha256().digest(payload));
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(3).route(0, upstream.address()).fault(fault).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertThat(proxy.routes().get(0).faults()).containsExactly(fault);
            CompletableFuture<Void> sending =
                    Async.runAsync(() -> Sockets.writeAndHalfClose(client, payload));
            Sockets.Digest echoed = Sockets.digest(client.getInputStream());
            sending.get(30, TimeUnit.SECONDS);
            assertThat(echoed.bytes()).as(fault.toString()).isEqualTo(SIZE);
            assertThat(echoed.sha256()).as(fault.toString()).isEqualTo(expected);
            assertThat(proxy.routes().get(0).metrics().bytesUpstream()).isEqualTo(SIZE);
        }
    }
}
