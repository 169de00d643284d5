package io.chaosproxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Route;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A loop that dies all the same (an error thrown outside every guard, made here through a test hook): its
 * connections are reset, not left hanging; new connections go to a new loop; listeners survive a dead acceptor;
 * and close() completes without throwing, leaving no thread behind.
 */
class LoopFailureTest {
    private ServerSocket upstream;
    private Thread upstreamThread;

    @BeforeEach
    void startEchoUpstream() throws Exception {
        upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        upstreamThread = new Thread(() -> {
            while (!upstream.isClosed()) {
                try {
                    Socket socket = upstream.accept();
                    Thread echo = new Thread(() -> {
                        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
                            in.transferTo(out);
                        } catch (Exception ignored) {
                            // the proxy reset it: what some tests here do on purpose
                        }
                    }, "test-echo");
                    echo.setDaemon(true);
                    echo.start();
                } catch (Exception closed) {
                    return;
                }
            }
        }, "test-echo-acceptor");
        upstreamThread.start();
    }

    @AfterEach
    void stopUpstream() throws Exception {
        upstream.close();
        upstreamThread.join(5000);
    }

    @Test
    void aDeadWorkerResetsItsConnectionsAndIsReplaced() throws Exception {
        try (ChaosProxy proxy = ChaosProxy.builder().eventLoops(2).route(0, "127.0.0.1:" + upstream.getLocalPort())
                .start()) {
            Route route = proxy.routes().get(0);
            Socket client = connect(route);
            assertThat(roundTrip(client, "before")).isEqualTo("before");
            ChaosConnection connection = route.connections().get(0);
            EventLoop loop = ((ProxiedConnection) connection).loop();

            loop.failForTest(new OutOfMemoryError("injected"));

            await().atMost(Duration.ofSeconds(10)).until(loop::hasFailed);
            assertThatThrownBy(() -> {
                client.getOutputStream().write(1);
                if (client.getInputStream().read() < 0) {
                    throw new AssertionError("a clean EOF: the failure must reach the client as a reset");
                }
            }).isInstanceOf(SocketException.class);
            client.close();
            // Round-robin reaches both slots: every new connection works, the failed slot's through its new loop.
            for (int i = 0; i < 4; i++) {
                try (Socket next = connect(route)) {
                    assertThat(roundTrip(next, "after " + i)).isEqualTo("after " + i);
                }
            }
        }
        assertNoLoopThreadLeft();
    }

    @Test
    void aDeadAcceptorHandsItsListenersToANewOne() throws Exception {
        try (ChaosProxy proxy = ChaosProxy.builder().route(0, "127.0.0.1:" + upstream.getLocalPort()).start()) {
            Route route = proxy.routes().get(0);
            Socket live = connect(route);
            assertThat(roundTrip(live, "one")).isEqualTo("one");
            EventLoop acceptor = engineOf(proxy).acceptor();

            acceptor.failForTest(new StackOverflowError("injected"));

            await().atMost(Duration.ofSeconds(10)).until(() -> engineOf(proxy).acceptor() != acceptor);
            try (Socket next = connect(route)) {
                assertThat(roundTrip(next, "two")).isEqualTo("two");
            }
            assertThat(roundTrip(live, "three")).as("connections on the workers go on").isEqualTo("three");
            live.close();
            route.disable();
            route.enable();
            try (Socket next = connect(route)) {
                assertThat(roundTrip(next, "four")).isEqualTo("four");
            }
        }
        assertNoLoopThreadLeft();
    }

    static Engine engineOf(ChaosProxy proxy) throws ReflectiveOperationException {
        var field = ChaosProxy.class.getDeclaredField("engine");
        field.setAccessible(true);
        return (Engine) field.get(proxy);
    }

    private static Socket connect(Route route) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), route.localPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        socket.getOutputStream().write(bytes);
        byte[] back = socket.getInputStream().readNBytes(bytes.length);
        return new String(back, StandardCharsets.UTF_8);
    }

    private static void assertNoLoopThreadLeft() {
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .noneMatch(name -> name.startsWith("chaos-proxy-loop-") || name.startsWith("chaos-proxy-accept-")));
    }
}
