package io.chaosproxy;

import static io.chaosproxy.RuntimeFaultsTest.roundTripMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A route's limits on connections: concurrent (maxConnections) and per second (connectionRate). */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConnectionLimitsTest {

    @Test
    void theConcurrencyLimitHoldsUnder200ParallelClients() throws Exception {
        int limit = 20;
        int clients = 200;
        try (TcpServer echo = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, echo.address()).maxConnections(limit).start()) {
            Route route = proxy.routes().get(0);
            AtomicInteger served = new AtomicInteger();
            AtomicInteger closedAtOnce = new AtomicInteger();
            CountDownLatch go = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(clients);
            List<Socket> held = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    futures.add(pool.submit(() -> {
                        go.await();
                        Socket client = Sockets.connect(route);
                        held.add(client);   // every served client stays open, so the limit stays reached
                        try {
                            client.getOutputStream().write(1);
                            if (client.getInputStream().read() == 1) {
                                served.incrementAndGet();
                            } else {
                                closedAtOnce.incrementAndGet();
                            }
                        } catch (IOException e) {
                            closedAtOnce.incrementAndGet();   // an RST: the write met the closed socket
                        } finally {
                            done.countDown();
                        }
                        return null;
                    }));
                }
                go.countDown();
                assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
                for (Future<?> future : futures) {
                    future.get();
                }
                assertThat(served.get()).isEqualTo(limit);
                assertThat(closedAtOnce.get()).isEqualTo(clients - limit);
                assertThat(route.metrics().connectionsRefusedByLimit()).isEqualTo(clients - limit);
                assertThat(route.metrics().activeConnections()).isEqualTo(limit);
                assertThat(echo.acceptedConnections()).isEqualTo(limit);

                // Room again once served clients leave.
                for (Socket socket : held) {
                    socket.close();
                }
                await().until(() -> route.metrics().activeConnections() == 0);
                try (Socket again = Sockets.connect(route)) {
                    roundTripMillis(again, 5);
                }
            } finally {
                pool.shutdownNow();
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void theRateLimitHoldsWithinTenPercentOverFiveSeconds() throws Exception {
        int perSecond = 40;
        try (TcpServer a = TcpServer.identity("a");
                ChaosProxy proxy = ChaosProxy.builder().route(0, a.address()).connectionRate(perSecond).start()) {
            Route route = proxy.routes().get(0);
            int served = 0;
            int refused = 0;
            long start = System.nanoTime();
            long seconds = 5;
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(seconds)) {
                try (Socket client = Sockets.connect(route)) {
                    if (Sockets.readAll(client).equals("a")) {
                        served++;
                    } else {
                        refused++;
                    }
                } catch (IOException e) {
                    refused++;   // closed at once with our bytes unread: an RST
                }
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            // A full bucket (one second's worth) passes at once, then the rate: perSecond * (1 + elapsed).
            double expected = perSecond * (1 + elapsed);
            assertThat((double) served).isBetween(expected * 0.9, expected * 1.1);
            assertThat(refused).isPositive();
            assertThat(route.metrics().connectionsRefusedByLimit()).isEqualTo(refused);
        }
    }
}
