package io.chaosproxy.attack2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Promise 2, the cut rule: a stream its sender ended and the proxy delivered whole gets a FIN at a cut. Here
 * the upstream's response is whole (its FIN held back by a slow close), while the client's own request is
 * held by an upstream latency, and the cut comes from closeConnections().
 */
class CutAttackTest {
    private static final int HIGH_WATER = 64 * 1024;
    private static final byte[] RESPONSE = Echo.payload(5, 4000);

    private record Outcome(byte[] bytes, boolean reset) {
    }

    /** {@code requestBytes}: what the client sends and never ends; past the high-water mark the proxy leaves
     * the rest unread in its socket. */
    private static Outcome cutAfterWholeResponse(int requestBytes) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
                ChaosProxy proxy = ChaosProxy.builder().highWaterMark(HIGH_WATER)
                        .route(0, "127.0.0.1:" + server.getLocalPort()).name("r")
                        .fault(Fault.latency(Duration.ofDays(1)).direction(Direction.UPSTREAM))
                        .fault(Fault.slowClose(Duration.ofDays(1))).start();
                Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.route("r").localPort())) {
            client.setSoTimeout(5000);
            Thread upstream = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    socket.getOutputStream().write(RESPONSE);
                    socket.shutdownOutput();   // the response is whole
                    socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                } catch (Exception e) {
                    // the cut resets it: expected
                }
            }, "attack2-upstream");
            upstream.setDaemon(true);
            upstream.start();
            client.getOutputStream().write(new byte[requestBytes]);   // fits the buffers: returns
            Route route = proxy.route("r");
            await().until(() -> !route.connections().isEmpty()
                    && route.connections().get(0).bytesDownstream() == RESPONSE.length);
            // the upstream's FIN has reached the proxy, which holds it: the slow close reports holding it
            await().until(() -> route.metrics().faultsInjected().getOrDefault("slow_close", 0L) >= 1);
            route.closeConnections();
            ByteArrayOutputStream read = new ByteArrayOutputStream();
            InputStream in = client.getInputStream();
            byte[] buffer = new byte[8192];
            boolean reset = false;
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    read.write(buffer, 0, n);
                }
            } catch (SocketException e) {
                reset = true;
            }
            upstream.join(5000);
            return new Outcome(read.toByteArray(), reset);
        }
    }

    private static void assertWholeWithFin(String attack, Outcome outcome) {
        System.out.printf("[cut] %s: client read %d of %d bytes (whole=%s), then %s%n", attack, outcome.bytes().length,
                RESPONSE.length, Arrays.equals(outcome.bytes(), RESPONSE), outcome.reset() ? "a reset" : "a clean EOF");
        assertThat(outcome.bytes()).as(attack).isEqualTo(RESPONSE);
        assertThat(outcome.reset()).as(attack + ": a whole response, ended by its sender, got a reset").isFalse();
    }

    @Test
    void aWholeResponseKeepsItsFinWhileTheRequestIsHeld() throws Exception {
        assertWholeWithFin("request of 1000 bytes held by a latency", cutAfterWholeResponse(1000));
    }

    @Test
    void aWholeResponseKeepsItsFinWhileTheRequestWaitsUnreadInTheProxysSocket() throws Exception {
        assertWholeWithFin("request past the high-water mark, rest unread",
                cutAfterWholeResponse(HIGH_WATER + 16 * 1024));
    }
}
