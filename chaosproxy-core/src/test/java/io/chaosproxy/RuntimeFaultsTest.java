package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RuntimeFaultsTest {

    @Test
    void latencyAddedToTheRouteSlowsAConnectionThatIsAlreadyOpen() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            assertThat(roundTripMillis(client, 1)).isLessThan(150);
            route.addFault(Fault.latency(Duration.ofMillis(200)));
            awaitConnectionFaults(route, "latency_downstream");
            assertThat(roundTripMillis(client, 2)).isBetween(200L, 900L);
            assertThat(roundTripMillis(client, 3)).isBetween(200L, 900L);
            route.removeFault("latency_downstream");
            awaitConnectionFaults(route);
            assertThat(roundTripMillis(client, 4)).isLessThan(190);
        }
    }

    @Test
    void removingAStallingTimeoutDeliversEveryByteInOrder() throws Exception {
        byte[] payload = randomBytes(256 * 1024, 7);
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            route.addFault(Fault.timeout(Duration.ZERO).named("stall"));
            awaitConnectionFaults(route, "stall");
            CompletableFuture<Void> sending =
                    Async.runAsync(() -> Sockets.writeAndHalfClose(client, payload));
            client.setSoTimeout(300);   // the silence itself is what is tested here
            assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            client.setSoTimeout(20_000);
            route.removeFault("stall");
            byte[] echoed = client.getInputStream().readAllBytes();
            sending.get(10, TimeUnit.SECONDS);
            assertThat(Sockets.sha256().digest(echoed)).isEqualTo(Sockets.sha256().digest(payload));
        }
    }

    @Test
    void removingALatencyReleasesTheChunksItDelaysAtOnceAndInOrder() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            route.addFault(Fault.latency(Duration.ofSeconds(30)).named("long"));
            awaitConnectionFaults(route, "long");
            OutputStream out = client.getOutputStream();
            for (int i = 0; i < 100; i++) {
                out.write(i);   // many chunks, each delayed on its own
                out.flush();
            }
            client.shutdownOutput();
            await().until(() -> route.connections().get(0).bytesUpstream() == 100);
            long start = System.nanoTime();
            route.removeFault("long");
            byte[] echoed = client.getInputStream().readAllBytes();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
            assertThat(echoed).hasSize(100);
            for (int i = 0; i < 100; i++) {
                assertThat(echoed[i]).isEqualTo((byte) i);
            }
        }
    }

    @Test
    void updateFaultReplacesTheFaultInPlaceAndLiveConnectionsFollow() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .fault(Fault.corrupt(0.0).named("a"))
                        .fault(Fault.latency(Duration.ofMillis(10)).named("b"))
                        .fault(Fault.slowClose(Duration.ofMillis(1)).named("c"))
                        .start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            awaitConnectionFaults(route, "a", "b", "c");
            Fault slower = Fault.latency(Duration.ofMillis(300)).named("b");
            route.updateFault(slower);
            assertThat(route.faults()).extracting(Fault::name).containsExactly("a", "b", "c");
            assertThat(route.faults().get(1)).isEqualTo(slower);
            await().until(() -> route.connections().get(0).faults().contains(slower));
            assertThat(route.connections().get(0).faults()).extracting(Fault::name).containsExactly("a", "b", "c");
            assertThat(roundTripMillis(client, 5)).isBetween(300L, 1000L);
            assertThatThrownBy(() -> route.updateFault(Fault.latency(Duration.ofMillis(1)).named("zz")))
                    .isInstanceOf(NoSuchElementException.class).hasMessageContaining("zz");
        }
    }

    @Test
    void clearFaultsTakesEveryFaultOffTheRouteAndItsLiveConnections() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .latency(Duration.ofMillis(300)).corrupt(0.0).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            assertThat(roundTripMillis(client, 1)).isGreaterThanOrEqualTo(300);
            route.clearFaults();
            assertThat(route.faults()).isEmpty();
            awaitConnectionFaults(route);
            assertThat(roundTripMillis(client, 2)).isLessThan(250);
        }
    }

    @Test
    void restoreFaultsBringsBackTheDeclaredFaultsAndEnablesTheRouteAgain() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder()
                        .route(0, upstream.address()).name("one").latency(Duration.ofMillis(200))
                        .route(0, upstream.address()).name("two").fault(Fault.corrupt(0.0).named("quiet"))
                        .start()) {
            Route one = proxy.route("one");
            Route two = proxy.route("two");
            List<Fault> declaredOne = one.faults();
            List<Fault> declaredTwo = two.faults();
            one.clearFaults().addFault(Fault.slowClose(Duration.ofMillis(5))).disable();
            two.removeFault("quiet").addFault(Fault.latency(Duration.ofMillis(1)).named("extra")).disable();
            assertThat(one.isEnabled()).isFalse();

            proxy.restoreFaults();
            assertThat(one.faults()).isEqualTo(declaredOne);
            assertThat(two.faults()).isEqualTo(declaredTwo);
            assertThat(one.isEnabled()).isTrue();
            assertThat(two.isEnabled()).isTrue();
            try (Socket client = Sockets.connect(one)) {
                assertThat(roundTripMillis(client, 9)).isBetween(200L, 900L);
            }

            one.clearFaults().disable();
            one.restoreFaults();
            assertThat(one.faults()).isEqualTo(declaredOne);
            try (Socket client = Sockets.connect(one)) {
                assertThat(roundTripMillis(client, 10)).isBetween(200L, 900L);
            }
        }
    }

    @Test
    void aSecondFaultWithATakenNameIsRejectedAndNamed() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .latency(Duration.ofMillis(5)).fault(Fault.corrupt(0.0).named("noise")).start()) {
            Route route = proxy.routes().get(0);
            List<Fault> before = route.faults();
            assertThatThrownBy(() -> route.addFault(Fault.latency(Duration.ofMillis(50))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latency_downstream");
            assertThatThrownBy(() -> route.addFault(Fault.bandwidth(10).named("noise")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("noise");
            assertThat(route.faults()).isEqualTo(before);
        }
    }

    @Test
    void removingAnUnknownFaultFailsAndListsTheNamesThereAre() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .latency(Duration.ofMillis(5)).fault(Fault.corrupt(0.0).named("noise")).start()) {
            Route route = proxy.routes().get(0);
            assertThatThrownBy(() -> route.removeFault("nope"))
                    .isInstanceOf(NoSuchElementException.class)
                    .hasMessageContaining("nope").hasMessageContaining("latency_downstream").hasMessageContaining("noise");
            assertThat(route.faults()).hasSize(2);
        }
    }

    @Test
    void aConnectionsOwnFaultCanBeRemovedRightAfterItIsAddedAndANameTakenIsRejectedAtOnce() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            await().until(() -> route.connections().size() == 1);
            ChaosConnection connection = route.connections().get(0);
            for (int i = 0; i < 50; i++) {   // each call is done when it returns: no stale view in between
                connection.addFault(Fault.latency(Duration.ofMillis(5)).named("mine"));
                assertThat(connection.faults()).extracting(Fault::name).containsExactly("mine");
                assertThatThrownBy(() -> connection.addFault(Fault.slowClose(Duration.ofMillis(5)).named("mine")))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'mine' exists already");
                connection.removeFault("mine");
                assertThat(connection.faults()).isEmpty();
            }
            client.getOutputStream().write("still echoes".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            client.shutdownOutput();
            assertThat(Sockets.readAll(client)).isEqualTo("still echoes");
        }
    }

    @Test
    void twoLatenciesWithDifferentNamesAddUp() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .fault(Fault.latency(Duration.ofMillis(200)).named("first"))
                        .fault(Fault.latency(Duration.ofMillis(200)).named("second"))
                        .start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertThat(proxy.routes().get(0).faults()).extracting(Fault::name).containsExactly("first", "second");
            for (int i = 0; i < 3; i++) {
                assertThat(roundTripMillis(client, i)).isBetween(400L, 1200L);
            }
        }
    }

    /** Writes one byte and reads its echo; returns how long that took. */
    static long roundTripMillis(Socket client, int value) throws Exception {
        InputStream in = client.getInputStream();
        long start = System.nanoTime();
        client.getOutputStream().write(value);
        assertThat(in.read()).isEqualTo(value);
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Waits until the route's only live connection has exactly these faults, in this order. */
    static void awaitConnectionFaults(Route route, String... names) {
        await().atMost(Duration.ofSeconds(10)).until(() -> route.connections().size() == 1
                && route.connections().get(0).faults().stream().map(Fault::name).toList().equals(List.of(names)));
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }
}
