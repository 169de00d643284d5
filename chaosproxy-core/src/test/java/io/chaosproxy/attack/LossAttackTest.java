package io.chaosproxy.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Promise 2: a cut that loses bytes meant for a side reaches that side as an RST, never as a clean EOF. Each
 * attack arranges for the upstream's response to be somewhere the proxy has taken it (a stage, the outbound
 * queue, or the proxy's own socket's receive buffer, which the kernel has acknowledged to the sender), cuts
 * the connection, and reads what the client gets.
 */
class LossAttackTest {
    private static final byte[] RESPONSE = Attack.payload(11, 4000);

    /** The upstream answers at once and keeps its side open. */
    private static Upstream answering() {
        return answering(new java.util.concurrent.CountDownLatch(1));
    }

    /**
     * An upstream that sends the whole response at once; {@code sent} opens once it is written (on loopback the
     * bytes are then in the proxy's socket).
     */
    private static Upstream answering(java.util.concurrent.CountDownLatch sent) {
        return Upstream.start(socket -> {
            socket.getOutputStream().write(RESPONSE);
            sent.countDown();
            socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        });
    }

    /** What the client read, and whether the stream ended in an error or a clean EOF. */
    private record Outcome(int bytes, boolean reset) {
    }

    private static Outcome readToTheEnd(Socket client) throws Exception {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        InputStream in = client.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                read.write(buffer, 0, n);
            }
            return new Outcome(read.size(), false);
        } catch (SocketException e) {
            return new Outcome(read.size(), true);
        }
    }

    private static void assertShortStreamIsReset(Outcome outcome) {
        System.out.printf("[loss] client read %d of %d bytes, then %s%n", outcome.bytes(), RESPONSE.length,
                outcome.reset() ? "a reset" : "a clean EOF");
        assertThat(outcome.bytes()).as("the cut came before the whole response").isLessThan(RESPONSE.length);
        assertThat(outcome.reset()).as("a short response ended with a clean EOF: the loss was silent").isTrue();
    }

    @Test
    void aTimeoutFaultsCloseResetsAClientWhoseResponseTheProxyNeverRead() throws Exception {
        try (Upstream upstream = answering();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address())
                        .fault(Fault.timeout(Duration.ofMillis(300))).start();
                Socket client = Attack.connect(proxy.routes().get(0).localPort())) {
            assertShortStreamIsReset(readToTheEnd(client));
        }
    }

    /** {@code cut} ends the connection while a timeout(0) stalls the response the upstream already sent. */
    private void stallThenCut(Consumer<ChaosProxy> cut) throws Exception {
        java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(1);
        try (Upstream upstream = answering(sent);
                ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(Duration.ZERO).route(0, upstream.address())
                        .name("r").fault(Fault.timeout(Duration.ZERO)).start();
                Socket client = Attack.connect(proxy.route("r").localPort())) {
            await().until(() -> proxy.route("r").connections().size() == 1);
            // the response has reached the proxy's socket; a stall does not read it
            assertThat(sent.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("the upstream answered").isTrue();
            cut.accept(proxy);
            assertShortStreamIsReset(readToTheEnd(client));
        }
    }

    @Test
    void closeConnectionsDuringAStall() throws Exception {
        stallThenCut(proxy -> proxy.route("r").closeConnections());
    }

    @Test
    void connectionCloseDuringAStall() throws Exception {
        stallThenCut(proxy -> proxy.route("r").connections().forEach(ChaosConnection::close));
    }

    @Test
    void disableDuringAStall() throws Exception {
        stallThenCut(proxy -> proxy.route("r").disable());
    }

    @Test
    void proxyCloseDuringAStall() throws Exception {
        stallThenCut(ChaosProxy::close);
    }

    /** The same stall, but on one connection only through ChaosConnection.addFault. */
    @Test
    void closeConnectionsDuringAStallAddedToOneConnection() throws Exception {
        java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(1);
        try (Upstream upstream = Upstream.start(socket -> {
                    socket.getInputStream().read();   // answers only once asked, after the stall is in place
                    socket.getOutputStream().write(RESPONSE);
                    sent.countDown();
                    socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("r").start();
                Socket client = Attack.connect(proxy.route("r").localPort())) {
            Route route = proxy.route("r");
            await().until(() -> route.connections().size() == 1);
            route.connections().get(0).addFault(Fault.timeout(Duration.ZERO).named("stall"));
            client.getOutputStream().write(1);
            assertThat(sent.await(5, java.util.concurrent.TimeUnit.SECONDS)).as("the upstream answered").isTrue();
            route.closeConnections();
            assertShortStreamIsReset(readToTheEnd(client));
        }
    }

    // ---- paths that hold the bytes in the proxy's own buffers: expected to hold the promise ----

    @Test
    void aHalfClosedClientWhoseResponseIsHeld() throws Exception {
        try (Upstream upstream = answering();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("r")
                        .latency(Duration.ofSeconds(30)).start();
                Socket client = Attack.connect(proxy.route("r").localPort())) {
            client.shutdownOutput();
            await().until(() -> proxy.metrics().bufferedBytes() > 0);
            proxy.route("r").closeConnections();
            assertShortStreamIsReset(readToTheEnd(client));
        }
    }

    @Test
    void limitDataUpstreamEndsTheConnectionWhileTheResponseIsHeld() throws Exception {
        try (Upstream upstream = answering();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("r")
                        .latency(Duration.ofSeconds(30))
                        .fault(Fault.limitData(10).direction(Direction.UPSTREAM)).start();
                Socket client = Attack.connect(proxy.route("r").localPort())) {
            await().until(() -> proxy.metrics().bufferedBytes() > 0);
            client.getOutputStream().write(new byte[100]);
            assertShortStreamIsReset(readToTheEnd(client));
        }
    }

    @Test
    void slowCloseHoldingTheFinAfterTheWholeResponseIsAnOrdinaryEnd() throws Exception {
        try (Upstream upstream = Upstream.start(socket -> socket.getOutputStream().write(RESPONSE));
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("r")
                        .fault(Fault.slowClose(Duration.ofSeconds(30))).start();
                Socket client = Attack.connect(proxy.route("r").localPort())) {
            assertThat(client.getInputStream().readNBytes(RESPONSE.length)).isEqualTo(RESPONSE);
            // the upstream's FIN has reached the proxy (slowClose holds it): the stream was ended by its sender
            await().until(() -> proxy.metrics().faultsInjected().getOrDefault("slow_close", 0L) == 1);
            proxy.route("r").closeConnections();
            assertThat(client.getInputStream().read()).as("nothing was lost: a FIN").isEqualTo(-1);
        }
    }

    @Test
    void theFastPathsLeftoverForAClientThatDoesNotRead() throws Exception {
        byte[] block = Attack.payload(12, 65536);
        try (Upstream upstream = Upstream.start(socket -> Attack.writeForever(socket, block));
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("r").start();
                Socket client = Attack.connect(proxy.route("r").localPort())) {
            await().until(() -> proxy.metrics().bufferedBytes() > 0);
            proxy.route("r").closeConnections();
            Outcome outcome = readToTheEnd(client);
            System.out.printf("[loss] fast path: client read %d bytes, then %s%n", outcome.bytes(),
                    outcome.reset() ? "a reset" : "a clean EOF");
            assertThat(outcome.reset()).as("an endless stream cut must not look complete").isTrue();
        }
    }
}
