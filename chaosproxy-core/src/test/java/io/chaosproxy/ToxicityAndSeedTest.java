package io.chaosproxy;

import static io.chaosproxy.RuntimeFaultsTest.roundTripMillis;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ToxicityAndSeedTest {

    @Test
    void toxicityZeroNeverAppliesTheFault() throws Exception {
        // 5 s: a round trip that paid it is far above what a loaded machine makes of an unslowed one (1.7 s seen).
        Fault neverSlow = Fault.latency(Duration.ofSeconds(5)).toxicity(0.0);
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(1).route(0, upstream.address()).fault(neverSlow).start()) {
            Route route = proxy.routes().get(0);
            for (int i = 0; i < 20; i++) {
                try (Socket client = Sockets.connect(route)) {
                    assertThat(roundTripMillis(client, i)).isLessThan(4_000);
                    assertThat(route.faults()).containsExactly(neverSlow);
                    assertThat(route.connections()).singleElement()
                            .satisfies(connection -> assertThat(connection.faults()).isEmpty());
                }
                await().until(() -> route.connections().isEmpty());
            }
            assertThat(route.metrics().faultsInjected()).doesNotContainKey("latency");
        }
    }

    @Test
    void toxicityOneAlwaysAppliesTheFault() throws Exception {
        Fault alwaysSlow = Fault.latency(Duration.ofMillis(100)).toxicity(1.0);
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(1).route(0, upstream.address()).fault(alwaysSlow).start()) {
            Route route = proxy.routes().get(0);
            for (int i = 0; i < 10; i++) {
                try (Socket client = Sockets.connect(route)) {
                    assertThat(roundTripMillis(client, i)).isBetween(100L, 800L);
                    assertThat(route.connections().get(0).faults()).containsExactly(alwaysSlow);
                }
            }
        }
    }

    @Test
    void toxicityHalfPicksAboutHalfOfFourHundredConnections() throws Exception {
        List<Boolean> picked = new CopyOnWriteArrayList<>();
        ChaosListener listener = event -> {
            if (event instanceof ChaosEvent.ConnectionOpened opened) {
                picked.add(!opened.connection().faults().isEmpty());   // built before the event is told
            }
        };
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(99).listener(listener).route(0, upstream.address())
                        .fault(Fault.latency(Duration.ofMillis(1)).toxicity(0.5)).start()) {
            for (int i = 0; i < 400; i++) {
                Sockets.connect(proxy.routes().get(0)).close();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> picked.size() == 400);
        }
        long applied = picked.stream().filter(p -> p).count();
        // Binomial(400, 0.5) has a standard deviation of 10: 140..260 is six of them either way.
        assertThat(applied).isBetween(140L, 260L);
    }

    @Test
    void updatingAFaultKeepsEachLiveConnectionsToxicityDecisionUnlessTheToxicityChanges() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(5).route(0, upstream.address())
                        .fault(Fault.latency(Duration.ofMillis(1)).toxicity(0.5).named("lag")).start()) {
            Route route = proxy.routes().get(0);
            List<Socket> clients = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    clients.add(Sockets.connect(route));
                }
                await().until(() -> route.connections().size() == 40);
                Map<Long, Boolean> before = hasFault(route);
                assertThat(before.values()).contains(true, false);   // both kinds, or the test proves nothing

                route.updateFault(Fault.latency(Duration.ofMillis(2)).toxicity(0.5).named("lag"));
                await().until(() -> route.connections().stream().flatMap(c -> c.faults().stream())
                        .allMatch(f -> ((io.chaosproxy.fault.Latency) f).delay().toMillis() == 2));
                assertThat(hasFault(route)).isEqualTo(before);

                route.updateFault(Fault.latency(Duration.ofMillis(2)).toxicity(1.0).named("lag"));
                await().until(() -> hasFault(route).values().stream().allMatch(b -> b));
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
        }
    }

    private static Map<Long, Boolean> hasFault(Route route) {
        Map<Long, Boolean> result = new java.util.TreeMap<>();
        for (ChaosConnection connection : route.connections()) {
            result.put(connection.id(), !connection.faults().isEmpty());
        }
        return result;
    }

    @Test
    void theSameSeedReplaysEveryDecisionAndAnotherSeedDoesNot() throws Exception {
        Map<Long, List<String>> first = decisionLog(2024);
        Map<Long, List<String>> second = decisionLog(2024);
        Map<Long, List<String>> other = decisionLog(7);
        assertThat(first).hasSize(60);
        assertThat(first.values().stream().flatMap(List::stream)).anyMatch(line -> line.startsWith("drop"))
                .anyMatch(line -> line.startsWith("corrupt")).anyMatch(line -> line.contains("latency"));
        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
    }

    @Test
    void latencyDelaysOnlyTheDirectionsItIsGiven() throws Exception {
        assertThat(oneWayDelays(Direction.UPSTREAM)).satisfies(d -> {
            assertThat(d[0]).isBetween(300L, 1000L);
            assertThat(d[1]).isLessThan(250L);
        });
        assertThat(oneWayDelays(Direction.DOWNSTREAM)).satisfies(d -> {
            assertThat(d[0]).isLessThan(250L);
            assertThat(d[1]).isBetween(300L, 1000L);
        });
        assertThat(oneWayDelays(Direction.BOTH)).satisfies(d -> {
            assertThat(d[0]).isBetween(300L, 1000L);
            assertThat(d[1]).isBetween(300L, 1000L);
        });
    }

    @Test
    void limitDataCutsOnlyTheDirectionItIsGiven() throws Exception {
        // The upstream greets with ten bytes, then records what the client sends until EOF.
        for (Direction direction : List.of(Direction.UPSTREAM, Direction.DOWNSTREAM)) {
            CompletableFuture<String> upstreamGot = new CompletableFuture<>();
            try (TcpServer upstream = TcpServer.start(socket -> {
                        socket.getOutputStream().write("0123456789".getBytes(StandardCharsets.US_ASCII));
                        try {
                            upstreamGot.complete(new String(socket.getInputStream().readAllBytes(),
                                    StandardCharsets.US_ASCII));
                        } catch (java.net.SocketException reset) {
                            upstreamGot.complete("reset");
                        }
                    });
                    ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                            .fault(Fault.limitData(3).direction(direction)).start();
                    Socket client = Sockets.connect(proxy.routes().get(0))) {
                // The limited direction ends with a FIN after exactly 3 bytes; the other, still open, is cut: a reset.
                if (direction == Direction.DOWNSTREAM) {
                    assertThat(Sockets.readAll(client)).isEqualTo("012");
                    assertThat(upstreamGot.get(10, TimeUnit.SECONDS)).isEqualTo("reset");
                } else {
                    byte[] greeting = client.getInputStream().readNBytes(10);
                    assertThat(new String(greeting, StandardCharsets.US_ASCII)).isEqualTo("0123456789");
                    client.getOutputStream().write("abcdefghij".getBytes(StandardCharsets.US_ASCII));
                    assertThat(upstreamGot.get(10, TimeUnit.SECONDS)).isEqualTo("abc");
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.getInputStream().read())
                            .isInstanceOf(java.net.SocketException.class);
                }
            }
        }
    }

    /** Milliseconds client-to-upstream and upstream-to-client for one byte, with a 300 ms latency that way. */
    private static long[] oneWayDelays(Direction direction) throws Exception {
        CompletableFuture<Long> arrived = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.stampingEcho(arrived);
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .fault(Fault.latency(Duration.ofMillis(300)).direction(direction)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            long sent = System.nanoTime();
            client.getOutputStream().write(1);
            assertThat(client.getInputStream().read()).isEqualTo(1);
            long back = System.nanoTime();
            long there = arrived.get(10, TimeUnit.SECONDS);
            return new long[] {TimeUnit.NANOSECONDS.toMillis(there - sent), TimeUnit.NANOSECONDS.toMillis(back - there)};
        }
    }

    /**
     * Sixty sequential connections through drop 0.3, corrupt 0.5 and a latency of toxicity 0.5, each making
     * three exchanges; per connection id: the faults it got, then every fault injected, in order.
     */
    private static Map<Long, List<String>> decisionLog(long seed) throws Exception {
        Map<Long, List<String>> log = new ConcurrentSkipListMap<>();
        AtomicInteger closed = new AtomicInteger();
        ChaosListener listener = event -> {
            List<String> lines = log.computeIfAbsent(event.connection().id(), id -> new CopyOnWriteArrayList<>());
            if (event instanceof ChaosEvent.ConnectionOpened opened) {
                lines.add("faults " + opened.connection().faults().stream().map(Fault::name).toList());
            } else if (event instanceof ChaosEvent.FaultInjected injected) {
                lines.add(injected.fault().name() + " " + injected.detail());
            } else if (event instanceof ChaosEvent.UpstreamError error) {
                lines.add("upstream error " + error.kind());
            } else if (event instanceof ChaosEvent.ConnectionClosed) {
                closed.incrementAndGet();
            }
        };
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(seed).listener(listener).route(0, upstream.address())
                        .dropRate(0.3).corrupt(0.5)
                        .fault(Fault.latency(Duration.ofMillis(5)).toxicity(0.5).named("some latency"))
                        .start()) {
            for (int i = 0; i < 60; i++) {
                try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                    exchangeThrice(client);
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> closed.get() == 60);
        }
        return log;
    }

    /** Three ten-byte exchanges, each written and read back whole, so that every run cuts the same chunks. */
    private static void exchangeThrice(Socket client) {
        try {
            OutputStream out = client.getOutputStream();
            for (int i = 0; i < 3; i++) {
                out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
                if (client.getInputStream().readNBytes(10).length < 10) {
                    return;   // dropped
                }
            }
            client.shutdownOutput();
            client.getInputStream().readAllBytes();
        } catch (IOException e) {
            // dropped with a reset
        }
    }
}
