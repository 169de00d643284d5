package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LossFaultTest {
    private static final long SEED = 42;

    @Test
    void lossOneDelaysEveryRoundTripByTheRetransmitDelay() throws Exception {
        AtomicLong injected = new AtomicLong();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(SEED).listener(countLoss(injected))
                        .route(0, upstream.address())
                        .fault(Fault.loss(1.0).retransmitDelay(Duration.ofMillis(100))).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            for (int i = 0; i < 5; i++) {
                assertThat(TimeUnit.NANOSECONDS.toMillis(roundTripNanos(client, i))).isBetween(100L, 600L);
            }
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(injected.get()).isEqualTo(5);
                assertThat(proxy.metrics().faultsInjected()).containsEntry("loss", 5L);
            });
        }
    }

    @Test
    void lossZeroAddsNoDelay() throws Exception {
        AtomicLong injected = new AtomicLong();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(SEED).listener(countLoss(injected))
                        .route(0, upstream.address()).fault(Fault.loss(0.0)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            for (int i = 0; i < 20; i++) {
                // A retransmission would cost the default 200 ms; loopback answers in well under a millisecond.
                assertThat(TimeUnit.NANOSECONDS.toMillis(roundTripNanos(client, i))).isLessThan(150L);
            }
            assertThat(injected.get()).isZero();
            assertThat(proxy.metrics().faultsInjected()).doesNotContainKey("loss");
        }
    }

    @Test
    void aThirdOfTheRoundTripsStutterWithAFixedSeed() throws Exception {
        AtomicLong injected = new AtomicLong();
        int rounds = 100;
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(SEED).listener(countLoss(injected))
                        .route(0, upstream.address())
                        .fault(Fault.loss(0.3).retransmitDelay(Duration.ofMillis(100))).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            int slow = 0;
            for (int i = 0; i < rounds; i++) {
                if (roundTripNanos(client, i) >= TimeUnit.MILLISECONDS.toNanos(100)) {
                    slow++;
                }
            }
            long lost = injected.get();
            // Binomial(100, 0.3): mean 30, standard deviation 4.6; 10..50 is more than four of them.
            assertThat(lost).isBetween(10L, 50L);
            // Each round trip is one 1-byte chunk each way, so every lost chunk makes one slow round trip; a
            // busy machine may make a few others slow too.
            assertThat((long) slow).isBetween(lost, lost + 5);
            assertThat(proxy.metrics().faultsInjected()).containsEntry("loss", lost);
        }
    }

    @Test
    void aLossyMultiMegabyteTransferArrivesWholeAndInOrder() throws Exception {
        byte[] data = new byte[6 << 20];
        new Random(SEED).nextBytes(data);
        AtomicLong injected = new AtomicLong();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    OutputStream out = socket.getOutputStream();
                    for (int offset = 0; offset < data.length; offset += 16 * 1024) {
                        out.write(data, offset, Math.min(16 * 1024, data.length - offset));
                    }
                    socket.shutdownOutput();
                    socket.getInputStream().readAllBytes();
                });
                ChaosProxy proxy = ChaosProxy.builder().seed(SEED).listener(countLoss(injected))
                        .route(0, upstream.address())
                        .fault(Fault.loss(0.05).retransmitDelay(Duration.ofMillis(5))).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Sockets.Digest digest = Sockets.digest(client.getInputStream());
            String expected = HexFormat.of().formatHex(Sockets.sha256().digest(data));
            assertThat(digest).isEqualTo(new Sockets.Digest(data.length, expected));
            assertThat(injected.get()).isPositive();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(proxy.metrics().faultsInjected()).containsEntry("loss", injected.get()));
        }
    }

    /** A listener counting the loss fault's FaultInjected events. */
    private static ChaosListener countLoss(AtomicLong count) {
        return event -> {
            if (event instanceof ChaosEvent.FaultInjected injected && injected.fault().type().equals("loss")) {
                count.incrementAndGet();
            }
        };
    }

    private static long roundTripNanos(Socket socket, int value) throws Exception {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        long start = System.nanoTime();
        out.write(value);
        assertThat(in.read()).isEqualTo(value & 0xff);
        return System.nanoTime() - start;
    }
}
