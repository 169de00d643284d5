package io.chaosproxy;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventsTest {

    @Test
    void eachConnectionIsOpenedThenClosedWithItsByteCountsAndAReason() throws Exception {
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(events::add).route(0, upstream.address())
                        .name("echo").start()) {
            for (int i = 0; i < 3; i++) {
                try (Socket client = Sockets.connect(proxy.route("echo"))) {
                    client.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
                    client.shutdownOutput();
                    assertThat(Sockets.readAll(client)).isEqualTo("hello");
                }
            }
            await().until(() -> closedEvents(events).size() == 3);
        }
        for (long id = 1; id <= 3; id++) {
            List<ChaosEvent> mine = ofConnection(events, id);
            assertThat(mine).hasSize(2);
            assertThat(mine.get(0)).isInstanceOf(ChaosEvent.ConnectionOpened.class);
            assertThat(mine.get(0).connection().route()).isEqualTo("echo");
            assertThat(mine.get(1)).isInstanceOfSatisfying(ChaosEvent.ConnectionClosed.class, closed -> {
                assertThat(closed.bytesUpstream()).isEqualTo(5);
                assertThat(closed.bytesDownstream()).isEqualTo(5);
                assertThat(closed.reason()).isEqualTo("completed");
                assertThat(closed.duration().isNegative()).isFalse();
                assertThat(closed.connection().isOpen()).isFalse();
            });
        }
    }

    @Test
    void aDropIsToldAsAnInjectedFaultAndCounted() throws Exception {
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(events::add).route(0, upstream.address())
                        .dropRate(1.0).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            await().until(() -> closedEvents(events).size() == 1);
            assertThat(events).filteredOn(ChaosEvent.FaultInjected.class::isInstance).singleElement()
                    .isInstanceOfSatisfying(ChaosEvent.FaultInjected.class, injected -> {
                        assertThat(injected.fault().type()).isEqualTo("drop");
                        assertThat(injected.detail()).isEqualTo("mode=close");
                    });
            assertThat(closedEvents(events).get(0).reason()).isEqualTo("dropped");
            assertThat(proxy.metrics().droppedConnections()).isEqualTo(1);
            assertThat(proxy.metrics().faultsInjected()).isEqualTo(Map.of("drop", 1L));
            assertThat(upstream.acceptedConnections()).isZero();
        }
    }

    @Test
    void aRefusedUpstreamIsToldAndCountedAsRefused() throws Exception {
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (ChaosProxy proxy = ChaosProxy.builder().listener(events::add)
                        .route(0, "127.0.0.1:" + Sockets.freePort()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertThat(endsWithoutData(client)).isTrue();
            await().until(() -> closedEvents(events).size() == 1);
            assertThat(events).filteredOn(ChaosEvent.UpstreamError.class::isInstance).singleElement()
                    .isInstanceOfSatisfying(ChaosEvent.UpstreamError.class, error -> {
                        assertThat(error.kind()).isEqualTo("refused");
                        assertThat(error.message()).isNotBlank();
                    });
            assertThat(closedEvents(events).get(0).reason()).contains("refused");
            assertThat(proxy.metrics().upstreamFailures()).isEqualTo(Map.of("refused", 1L));
            assertThat(proxy.metrics().refusedConnections()).isEqualTo(1);
            assertThat(proxy.routes().get(0).metrics().refusedConnections()).isEqualTo(1);
        }
    }

    @Test
    void aListenerThatThrowsBreaksNeitherForwardingNorTheOtherListeners() throws Exception {
        byte[] payload = RuntimeFaultsTest.randomBytes(1 << 20, 3);
        AtomicInteger heard = new AtomicInteger();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder()
                        .listener(event -> {
                            throw new IllegalStateException("listener bug");
                        })
                        .listener(event -> heard.incrementAndGet())
                        .route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            CompletableFuture<Void> sending =
                    Async.runAsync(() -> Sockets.writeAndHalfClose(client, payload));
            Sockets.Digest echoed = Sockets.digest(client.getInputStream());
            sending.get(10, TimeUnit.SECONDS);
            assertThat(echoed.bytes()).isEqualTo(payload.length);
            assertThat(echoed.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(Sockets.sha256().digest(payload)));
            await().until(() -> heard.get() == 2);   // opened and closed
        }
    }

    @Test
    void aListenerFailingAnAssertionBreaksNeitherTheLoopsNorClose() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        try (TcpServer upstream = TcpServer.echo()) {
            ChaosProxy proxy = ChaosProxy.builder()
                    .listener(event -> {
                        if (event instanceof ChaosEvent.ConnectionOpened) {
                            opened.incrementAndGet();
                            throw new AssertionError("a test's assertThat failed inside the listener");
                        }
                    })
                    .route(0, upstream.address()).start();
            for (int i = 0; i < 6; i++) {   // connections go round-robin: every loop hears the failure
                try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                    client.getOutputStream().write(("ping " + i).getBytes(StandardCharsets.UTF_8));
                    client.shutdownOutput();
                    assertThat(Sockets.readAll(client)).isEqualTo("ping " + i);
                }
            }
            assertThat(opened).hasValue(6);
            proxy.close();
            assertThat(Sockets.proxyThreads()).isEmpty();
        }
    }

    @Test
    void aFaultAddedByTheListenerToTheThirdConnectionAppliesToItAloneFromItsFirstByte() throws Exception {
        ChaosListener cutThird = event -> {
            if (event instanceof ChaosEvent.ConnectionOpened opened && opened.connection().id() == 3) {
                opened.connection().addFault(Fault.limitData(2).named("cut"));
                opened.connection().addFault(Fault.latency(Duration.ofMillis(300)).named("slow"));
            }
        };
        try (TcpServer upstream = TcpServer.identity("hello");
                ChaosProxy proxy = ChaosProxy.builder().listener(cutThird).route(0, upstream.address()).start()) {
            for (int id = 1; id <= 5; id++) {
                try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                    long start = System.nanoTime();
                    String got = Sockets.readAll(client);
                    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    if (id == 3) {
                        assertThat(got).isEqualTo("he");
                        assertThat(millis).isBetween(300L, 1500L);
                    } else {
                        assertThat(got).as("connection %d", id).isEqualTo("hello");
                        assertThat(millis).as("connection %d", id).isLessThan(250);
                    }
                }
            }
            assertThat(proxy.routes().get(0).faults()).isEmpty();
            assertThat(proxy.metrics().faultsInjected()).isEqualTo(Map.of("limit_data", 1L, "latency", 1L));
        }
    }

    @Test
    void faultsInjectedCountsEachActionByType() throws Exception {
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(5).listener(events::add).route(0, upstream.address())
                        .corrupt(1.0).slowClose(Duration.ofMillis(10)).start()) {
            for (int i = 0; i < 2; i++) {
                try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                    OutputStream out = client.getOutputStream();
                    for (int exchange = 0; exchange < 3; exchange++) {
                        out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
                        byte[] back = client.getInputStream().readNBytes(10);
                        assertThat(back).hasSize(10).isNotEqualTo("0123456789".getBytes(StandardCharsets.US_ASCII));
                    }
                    client.shutdownOutput();
                    assertThat(client.getInputStream().read()).isEqualTo(-1);
                }
            }
            await().until(() -> closedEvents(events).size() == 2);
            assertThat(proxy.metrics().faultsInjected()).isEqualTo(Map.of("corrupt", 6L, "slow_close", 2L));
            assertThat(proxy.metrics().bytesCorrupted()).isEqualTo(6);
            assertThat(events).filteredOn(ChaosEvent.FaultInjected.class::isInstance).hasSize(8);
        }
    }

    @Test
    void continuousFaultsAreReportedOncePerConnectionAndDirectionWhenTheyFirstHoldData() throws Exception {
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(events::add).route(0, upstream.address())
                        .fault(Fault.latency(Duration.ofMillis(1)).direction(Direction.BOTH))
                        .bandwidth(10_000_000)
                        .slicer(4, 0, Duration.ZERO)
                        .start()) {
            for (int i = 0; i < 2; i++) {
                try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                    OutputStream out = client.getOutputStream();
                    for (int exchange = 0; exchange < 3; exchange++) {
                        out.write("0123456789".getBytes(StandardCharsets.US_ASCII));
                        assertThat(client.getInputStream().readNBytes(10))
                                .isEqualTo("0123456789".getBytes(StandardCharsets.US_ASCII));
                    }
                }
            }
            await().until(() -> closedEvents(events).size() == 2);
            // Two connections: latency both ways (2 each), bandwidth and slicer downstream (1 each).
            assertThat(proxy.metrics().faultsInjected())
                    .isEqualTo(Map.of("latency", 4L, "bandwidth", 2L, "slicer", 2L));
            assertThat(events).filteredOn(ChaosEvent.FaultInjected.class::isInstance)
                    .extracting(e -> ((ChaosEvent.FaultInjected) e).detail())
                    .contains("delaying each chunk 1ms", "limiting to 10000000 bytes/s",
                            "slicing into 4 ± 0 bytes, 0us apart");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"latency", "bandwidth", "slicer"})
    void aListenerRemovingAFaultAsItIsFirstReportedLosesAndReordersNothing(String type) throws Exception {
        Fault fault = switch (type) {
            case "latency" -> Fault.latency(Duration.ofMillis(300));
            case "bandwidth" -> Fault.bandwidth(20);
            default -> Fault.slicer(10, 0, Duration.ofMillis(50));
        };
        Fault upstreamFault = fault.direction(Direction.UPSTREAM).named("gone");
        AtomicInteger reported = new AtomicInteger();
        ChaosListener removeOnReport = event -> {
            if (event instanceof ChaosEvent.FaultInjected injected && injected.fault().name().equals("gone")) {
                reported.incrementAndGet();
                injected.connection().removeFault("gone");   // on the loop, inside the stage's own call
            }
        };
        byte[] payload = RuntimeFaultsTest.randomBytes(512 * 1024, 11);
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(removeOnReport).route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            await().until(() -> proxy.routes().get(0).connections().size() == 1);
            proxy.routes().get(0).connections().get(0).addFault(upstreamFault);
            CompletableFuture<Void> sending = Async.runAsync(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    for (int offset = 0; offset < payload.length; offset += 4096) {   // many chunks
                        out.write(payload, offset, 4096);
                        out.flush();
                    }
                    client.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Sockets.Digest echoed = Sockets.digest(client.getInputStream());
            sending.get(20, TimeUnit.SECONDS);
            assertThat(reported).hasValue(1);
            assertThat(echoed.bytes()).isEqualTo(payload.length);
            assertThat(echoed.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(Sockets.sha256().digest(payload)));
        }
    }

    private static List<ChaosEvent.ConnectionClosed> closedEvents(List<ChaosEvent> events) {
        return events.stream().filter(ChaosEvent.ConnectionClosed.class::isInstance)
                .map(ChaosEvent.ConnectionClosed.class::cast).toList();
    }

    private static List<ChaosEvent> ofConnection(List<ChaosEvent> events, long id) {
        return events.stream().filter(e -> e.connection().id() == id).toList();
    }

    private static boolean endsWithoutData(Socket client) {
        try {
            return client.getInputStream().read() == -1;
        } catch (IOException e) {
            return true;
        }
    }
}
