package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConcurrentConnectionsTest {
    private static final int CONNECTIONS = 100;

    @Test
    void hundredSimultaneousConnectionsEachGetTheirOwnBytesBack() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS);
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start()) {
            int port = proxy.routes().get(0).localPort();
            CountDownLatch allConnected = new CountDownLatch(CONNECTIONS);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                byte[] payload = new byte[16 * 1024 + i * 97];
                new SplittableRandom(i).nextBytes(payload);
                results.add(clients.submit(() -> {
                    try (Socket client = Sockets.connect(port)) {
                        allConnected.countDown();
                        allConnected.await();   // every connection is open before any sends
                        client.getOutputStream().write(payload);
                        client.shutdownOutput();
                        InputStream in = client.getInputStream();
                        return Arrays.equals(in.readAllBytes(), payload);
                    }
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
            assertThat(proxy.metrics().acceptedConnections()).isEqualTo(CONNECTIONS);
            assertThat(upstream.acceptedConnections()).isEqualTo(CONNECTIONS);
        } finally {
            clients.shutdownNow();
        }
    }
}
