package io.chaosproxy;

import static io.chaosproxy.FaultTestSupport.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.fault.DropMode;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DropFaultTest {

    @Test
    void closeModeGivesTheClientEndOfStream() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = dropping(upstream, DropMode.CLOSE);
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertThat(client.getInputStream().read()).isEqualTo(-1);
            assertDroppedBeforeTheUpstream(proxy, upstream);
        }
    }

    @Test
    void closeModeAfterTheClientSentGivesEndOfStreamOrReset() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = dropping(upstream, DropMode.CLOSE);
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            int read;
            try {
                client.getOutputStream().write(payload(18, 100));
                read = client.getInputStream().read();
            } catch (SocketException e) {
                assertThat(e).hasMessageContaining("reset");
                read = -1;
            }
            assertThat(read).isEqualTo(-1);
            assertDroppedBeforeTheUpstream(proxy, upstream);
        }
    }

    @Test
    void resetModeResetsTheClient() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = dropping(upstream, DropMode.RESET);
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            assertThatThrownBy(client.getInputStream()::read)
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            assertDroppedBeforeTheUpstream(proxy, upstream);
        }
    }

    @Test
    void hangModeNeverAnswersAndNeverContactsTheUpstream() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = dropping(upstream, DropMode.HANG)) {
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                client.getOutputStream().write(payload(19, 1000));   // read and thrown away
                client.setSoTimeout(300);
                assertThatThrownBy(client.getInputStream()::read).isInstanceOf(SocketTimeoutException.class);
                assertDroppedBeforeTheUpstream(proxy, upstream);
                assertThat(proxy.metrics().activeConnections()).isEqualTo(1);
            }
            // The client giving up ends the hanging connection.
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(upstream.acceptedConnections()).isZero();
        }
    }

    @ParameterizedTest
    @EnumSource(DropMode.class)
    void afterTheFaultIsRemovedTheNextConnectionWorks(DropMode mode) throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = dropping(upstream, mode)) {
            Route route = proxy.routes().get(0);
            try (Socket dropped = Sockets.connect(route)) {
                dropped.setSoTimeout(300);
                assertThat(echoes(dropped)).isFalse();
            }

            route.removeFault("drop_downstream");

            try (Socket client = Sockets.connect(route)) {
                byte[] data = payload(20, 64 * 1024);
                assertThat(FaultTestSupport.sendAndReadAll(client, data)).isEqualTo(data);
            }
            assertThat(upstream.acceptedConnections()).isEqualTo(1);
            assertThat(proxy.metrics().droppedConnections()).isEqualTo(1);
        }
    }

    private static ChaosProxy dropping(TcpServer upstream, DropMode mode) {
        return ChaosProxy.builder().seed(42).route(0, upstream.address())
                .fault(Fault.drop(1.0).mode(mode)).start();
    }

    private static void assertDroppedBeforeTheUpstream(ChaosProxy proxy, TcpServer upstream) {
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().droppedConnections() == 1);
        assertThat(proxy.metrics().faultsInjected()).containsEntry("drop", 1L);
        assertThat(upstream.acceptedConnections()).isZero();
    }

    /** Whether a byte sent comes back; EOF, a reset or a read timeout all mean it does not. */
    private static boolean echoes(Socket socket) {
        try {
            socket.getOutputStream().write(7);
            return socket.getInputStream().read() == 7;
        } catch (IOException e) {
            return false;
        }
    }
}
