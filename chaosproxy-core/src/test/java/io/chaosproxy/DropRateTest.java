package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DropRateTest {

    @Test
    void dropRateZeroNeverDrops() throws Exception {
        assertThat(dropSequence(0.0, 42, 200)).doesNotContain(true);
    }

    @Test
    void dropRateOneDropsEveryConnectionBeforeContactingTheUpstream() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).dropRate(1.0).start()) {
            for (int i = 0; i < 50; i++) {
                assertThat(wasDropped(proxy.routes().get(0).localPort())).isTrue();
            }
            assertThat(proxy.metrics().droppedConnections()).isEqualTo(50);
            assertThat(upstream.acceptedConnections()).isZero();
        }
    }

    @Test
    void halfOfAThousandConnectionsDropWithAFixedSeed() throws Exception {
        List<Boolean> drops = dropSequence(0.5, 42, 1000);
        long dropped = drops.stream().filter(d -> d).count();
        // Binomial(1000, 0.5) has a standard deviation of about 16: 400..600 is more than six of them.
        assertThat(dropped).isBetween(400L, 600L);
    }

    @Test
    void sameSeedGivesTheSameDropSequence() throws Exception {
        List<Boolean> first = dropSequence(0.3, 1234, 200);
        List<Boolean> second = dropSequence(0.3, 1234, 200);
        List<Boolean> otherSeed = dropSequence(0.3, 4321, 200);
        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    /** Opens {@code count} connections one after another; true where the proxy dropped it. */
    private static List<Boolean> dropSequence(double rate, long seed, int count) throws Exception {
        List<Boolean> drops = new ArrayList<>();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(seed).route(0, upstream.address()).dropRate(rate).start()) {
            int port = proxy.routes().get(0).localPort();
            for (int i = 0; i < count; i++) {
                drops.add(wasDropped(port));
            }
            assertThat(proxy.metrics().droppedConnections()).isEqualTo(drops.stream().filter(d -> d).count());
        }
        return drops;
    }

    /** A kept connection echoes a byte; a dropped one ends (EOF or reset) without answering. */
    private static boolean wasDropped(int port) throws IOException {
        try (Socket client = Sockets.connect(port)) {
            try {
                client.getOutputStream().write(7);
                return client.getInputStream().read() != 7;
            } catch (IOException e) {
                return true;   // reset: the proxy closed before our byte arrived
            }
        }
    }
}
