package io.chaosproxy.attack11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.Balancing;
import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import io.chaosproxy.TcpServer;
import java.io.IOException;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failover through real sockets: connect timeouts on several silent targets in a row with a client that talks
 * first, least connections with a dead target among live ones, and lookups on each connection racing their
 * connect timeout.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FailoverAttackTest {

    @Test
    void threeSilentTargetsInARowTimeOutOneAfterTheOtherAndNothingTheClientSentIsLost() throws Exception {
        byte[] payload = new byte[3 << 20];
        new Random(3).nextBytes(payload);
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (Blackhole one = Blackhole.start(); Blackhole two = Blackhole.start(); Blackhole three = Blackhole.start();
                TcpServer echo = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(events::add)
                        .route(0, one.address(), two.address(), three.address(), echo.address()).name("app")
                        .connectTimeout(Duration.ofMillis(400)).start();
                Socket client = Sockets.connect(proxy.route("app").localPort())) {
            long started = System.nanoTime();
            CompletableFuture<Sockets.Digest> echoed = io.chaosproxy.Async.supplyAsync(() -> {
                try {
                    return Sockets.digest(client.getInputStream());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // Far more than the socket buffers hold: the writer blocks until the fourth target answers.
            CompletableFuture<Void> written = io.chaosproxy.Async.runAsync(() -> {
                try {
                    client.getOutputStream().write(payload);
                    client.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Sockets.Digest digest = echoed.get(20, TimeUnit.SECONDS);
            written.get(5, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(digest.bytes()).isEqualTo(payload.length);
            assertThat(digest.sha256())
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(payload)));
            assertThat(millis).as("three timeouts of 400 ms, one after the other").isGreaterThanOrEqualTo(1200);
            assertThat(events).filteredOn(ChaosEvent.UpstreamError.class::isInstance)
                    .extracting(e -> ((ChaosEvent.UpstreamError) e).kind()).containsExactly("timeout", "timeout",
                            "timeout");
            Route app = proxy.route("app");
            assertThat(app.upstreams()).extracting(u -> u.connectFailures()).containsExactly(1L, 1L, 1L, 0L);
            await().until(() -> app.upstreams().stream().limit(3).allMatch(u -> u.activeConnections() == 0));
        }
    }

    @Test
    void leastConnectionsWithADeadTargetStillSpreadsOverTheLiveOnes() throws Exception {
        String dead = Ports.dead();
        int held = 12;
        try (TcpServer a = TcpServer.echo(); TcpServer b = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, dead, a.address(), b.address()).name("app")
                        .balancing(Balancing.LEAST_CONNECTIONS).start()) {
            Route app = proxy.route("app");
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < held; i++) {
                    Socket client = Sockets.connect(app.localPort());
                    clients.add(client);
                    client.getOutputStream().write(1);
                    assertThat(client.getInputStream().read()).isEqualTo(1);
                }
                Map<String, Long> perUpstream = app.connections().stream()
                        .collect(Collectors.groupingBy(ChaosConnection::upstream, Collectors.counting()));
                // Each open connection is the fewest-connections pick among the live targets it could get.
                assertThat(perUpstream).as("open connections per upstream").containsOnlyKeys(a.address(), b.address());
                assertThat(Math.abs(perUpstream.get(a.address()) - perUpstream.get(b.address())))
                        .as("open connections per upstream: " + perUpstream).isLessThanOrEqualTo(1);
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
            await().until(() -> app.upstreams().stream().allMatch(u -> u.activeConnections() == 0));
        }
    }

    @Test
    void leastConnectionsUnderChurnKeepsTheCountsRightAndTheLoadEven() throws Exception {
        int clients = 600;
        try (TcpServer a = TcpServer.echo(); TcpServer b = TcpServer.echo(); TcpServer c = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().eventLoops(2)
                        .route(0, a.address(), b.address(), c.address()).name("app")
                        .balancing(Balancing.LEAST_CONNECTIONS).start()) {
            Route app = proxy.route("app");
            AtomicInteger served = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(24);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    int rounds = 1 + i % 5;   // short and longer connections, interleaved
                    futures.add(pool.submit(() -> {
                        try (Socket client = Sockets.connect(app.localPort())) {
                            for (int r = 0; r < rounds; r++) {
                                client.getOutputStream().write(r);
                                assertThat(client.getInputStream().read()).isEqualTo(r);
                            }
                            served.incrementAndGet();
                        }
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(served.get()).isEqualTo(clients);
            await().until(() -> app.upstreams().stream().allMatch(u -> u.activeConnections() == 0));
            assertThat(app.upstreams()).allSatisfy(u ->
                    assertThat(u.connectionsTotal()).as(u.address()).isBetween(clients / 3 - 60L, clients / 3 + 60L));
        }
    }

    @Test
    void lookupsOnEachConnectionRacingATinyConnectTimeoutServeOrCloseEveryClientAndLeaveNoCount() throws Exception {
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        int clients = 200;
        try (TcpServer a = TcpServer.echo(); TcpServer b = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(events::add)
                        .route(0, "localhost:" + a.port(), "no-such-host.invalid:1", "localhost:" + b.port())
                        .name("app").resolveUpstreamOnConnect(true).connectTimeout(Duration.ofMillis(1)).start()) {
            Route app = proxy.route("app");
            AtomicInteger served = new AtomicInteger();
            AtomicInteger closed = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    futures.add(pool.submit(() -> {
                        try (Socket client = Sockets.connect(app.localPort())) {
                            client.getOutputStream().write(9);
                            int answer = client.getInputStream().read();
                            if (answer == 9) {
                                served.incrementAndGet();
                            } else {
                                assertThat(answer).isEqualTo(-1);
                                closed.incrementAndGet();
                            }
                        } catch (IOException reset) {
                            closed.incrementAndGet();   // closed with the byte unread: an RST
                        }
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(served.get() + closed.get()).isEqualTo(clients);
            await().until(() -> app.metrics().activeConnections() == 0);
            await().until(() -> app.upstreams().stream().allMatch(u -> u.activeConnections() == 0));
            long noUpstream = events.stream().filter(ChaosEvent.NoUpstream.class::isInstance).count();
            assertThat(noUpstream).isEqualTo(closed.get());
            Map<String, Long> kinds = events.stream().filter(ChaosEvent.UpstreamError.class::isInstance)
                    .map(e -> ((ChaosEvent.UpstreamError) e).kind())
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(kinds.keySet()).isSubsetOf("timeout", "unresolved", "refused");
            long failures = app.upstreams().stream().mapToLong(u -> u.connectFailures()).sum();
            assertThat(failures).isEqualTo(kinds.values().stream().mapToLong(Long::longValue).sum());
        }
    }
}
