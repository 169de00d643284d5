package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A cut that loses bytes the proxy held reaches the side that lost them as a reset, never as a clean end of
 * stream that a close-delimited reader would take for the whole response. A cut that loses nothing is a FIN.
 */
class CutsAreVisibleTest {
    private static final byte[] RESPONSE = FaultTestSupport.payload(11, 4000);

    /** A proxy whose latency holds the upstream's response; {@code cut} cuts the connection meanwhile. */
    private void assertClientSeesReset(Consumer<ChaosProxy> cut) throws Exception {
        try (TcpServer upstream = FaultTestSupport.sender(RESPONSE, true);
                ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(Duration.ZERO)
                        .route(0, upstream.address()).name("r").latency(Duration.ofSeconds(30)).start();
                Socket client = Sockets.connect(proxy.route("r"))) {
            await().until(() -> proxy.metrics().bufferedBytes() > 0);   // the response is held
            cut.accept(proxy);
            assertThatThrownBy(() -> client.getInputStream().readAllBytes())
                    .as("bytes held for the client were lost: it must see a reset, not an end of stream")
                    .isInstanceOf(SocketException.class);
        }
    }

    @Test
    void closeConnectionsResetsAClientWhoseBytesWereHeld() throws Exception {
        assertClientSeesReset(proxy -> proxy.route("r").closeConnections());
    }

    @Test
    void disableResetsAClientWhoseBytesWereHeld() throws Exception {
        assertClientSeesReset(proxy -> proxy.route("r").disable());
    }

    @Test
    void removeRouteResetsAClientWhoseBytesWereHeld() throws Exception {
        assertClientSeesReset(proxy -> proxy.removeRoute("r"));
    }

    @Test
    void theShutdownTimeoutCutResetsAClientWhoseBytesWereHeld() throws Exception {
        assertClientSeesReset(ChaosProxy::close);
    }

    @Test
    void connectionCloseResetsAClientWhoseBytesWereHeld() throws Exception {
        assertClientSeesReset(proxy -> proxy.route("r").connections().forEach(ChaosConnection::close));
    }

    @Test
    void theUpstreamSeesAResetWhenTheClientsBytesWereHeld() throws Exception {
        CompletableFuture<Throwable> upstreamSaw = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    try (InputStream in = socket.getInputStream()) {
                        in.readAllBytes();
                        upstreamSaw.complete(null);
                    } catch (SocketException e) {
                        upstreamSaw.complete(e);
                    }
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("r")
                        .fault(Fault.latency(Duration.ofSeconds(30)).direction(Direction.UPSTREAM)).start();
                Socket client = Sockets.connect(proxy.route("r"))) {
            client.getOutputStream().write(RESPONSE);
            await().until(() -> proxy.metrics().bufferedBytes() > 0);
            proxy.route("r").closeConnections();
            assertThat(upstreamSaw.get(10, TimeUnit.SECONDS)).isInstanceOf(SocketException.class);
        }
    }

    @Test
    void aCutEndsAStreamItsSenderEndedWithAFinAndAnOpenOneWithAReset() throws Exception {
        CompletableFuture<byte[]> request = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try (TcpServer upstream = TcpServer.start(socket -> {
                    request.complete(socket.getInputStream().readAllBytes());   // the whole request, then its FIN
                    try {
                        done.await(10, TimeUnit.SECONDS);   // the response stays open: the upstream never ends it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("r").start();
                Socket client = Sockets.connect(proxy.route("r"))) {
            client.getOutputStream().write(RESPONSE);
            client.shutdownOutput();   // the request is complete; the response (none yet) is still open
            assertThat(request.get(10, TimeUnit.SECONDS)).as("the request reached the upstream whole, with its FIN")
                    .isEqualTo(RESPONSE);
            proxy.route("r").closeConnections();
            assertThatThrownBy(() -> client.getInputStream().read())
                    .as("the response was still open: a reset").isInstanceOf(SocketException.class);
        } finally {
            done.countDown();
        }
    }

    @Test
    void limitDataEndsItsOwnStreamWithAFinAndCutsTheOtherWithAReset() throws Exception {
        CompletableFuture<byte[]> atUpstream = new CompletableFuture<>();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try (TcpServer upstream = TcpServer.start(socket -> {
                    atUpstream.complete(socket.getInputStream().readAllBytes());   // ends with limitData's FIN
                    try {
                        done.await(10, TimeUnit.SECONDS);   // its response never ends by itself
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("r")
                        .fault(Fault.limitData(1000).direction(Direction.UPSTREAM)).start();
                Socket client = Sockets.connect(proxy.route("r"))) {
            client.getOutputStream().write(RESPONSE);
            assertThat(atUpstream.get(10, TimeUnit.SECONDS)).as("exactly the limit, then a clean end")
                    .isEqualTo(java.util.Arrays.copyOf(RESPONSE, 1000));
            assertThatThrownBy(() -> client.getInputStream().read())
                    .as("the response stream was cut short: a reset").isInstanceOf(SocketException.class);
        } finally {
            done.countDown();
        }
    }

    @Test
    void aRouteChangeIsOnEveryLiveConnectionWhenTheCallReturns() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().eventLoops(2).route(0, upstream.address()).name("r").start()) {
            Route route = proxy.route("r");
            List<Socket> clients = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    clients.add(Sockets.connect(route));
                }
                await().until(() -> route.connections().size() == 4);
                for (int i = 0; i < 200; i++) {
                    Fault fault = Fault.latency(Duration.ofMillis(i + 1)).named("l" + i);
                    route.addFault(fault);
                    for (ChaosConnection connection : route.connections()) {
                        assertThat(connection.faults()).as("after addFault, round %d", i).contains(fault);
                    }
                    route.removeFault(fault.name());
                    for (ChaosConnection connection : route.connections()) {
                        assertThat(connection.faults()).as("after removeFault, round %d", i).isEmpty();
                    }
                }
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void setFaultsKeepsAFaultPresentInBothListsWithoutAGap() throws Exception {
        try (TcpServer upstream = FaultTestSupport.sender(RESPONSE, false);
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("r")
                        .fault(Fault.timeout(Duration.ZERO).named("stall")).start();
                Socket client = Sockets.connect(proxy.route("r"))) {
            Route route = proxy.route("r");
            await().until(() -> route.connections().size() == 1);
            ChaosConnection connection = route.connections().get(0);
            List<Fault> next = List.of(Fault.timeout(Duration.ZERO).named("stall"), Fault.latency(Duration.ofMillis(1)));
            for (int i = 0; i < 20; i++) {
                route.setFaults(i % 2 == 0 ? next : next.subList(0, 1));
            }
            assertThat(route.faults()).containsExactlyElementsOf(next.subList(0, 1));
            client.setSoTimeout(300);
            assertThatThrownBy(() -> client.getInputStream().read())
                    .as("the stall was never lifted").isInstanceOf(java.net.SocketTimeoutException.class);
            assertThat(connection.bytesDownstream()).isZero();

            route.setFaults(List.of());
            client.setSoTimeout(10_000);
            assertThat(client.getInputStream().readNBytes(RESPONSE.length)).isEqualTo(RESPONSE);
            assertThatThrownBy(() -> route.setFaults(List.of(Fault.latency(Duration.ZERO), Fault.latency(Duration.ZERO))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unique");
        }
    }
}
