package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.reliability.Resources;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A start that fails (a port in use, a bad upstream) leaves no thread, socket, selector or pipe behind. */
class FailedStartLeaksNothingTest {

    @Test
    void hundredsOfFailedStartsLeaveNoFileDescriptorOrThread() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            failedStart(taken.getLocalPort());   // warm-up: classes loaded, buffers recycled
            long fdsBefore = Resources.openFileDescriptors();
            for (int i = 0; i < 300; i++) {
                failedStart(taken.getLocalPort());
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(Sockets.proxyThreads()).filteredOn(name -> !name.startsWith("chaos-proxy-resolver"))
                        .isEmpty();
                if (fdsBefore >= 0) {
                    // a selector is an epoll fd plus a pipe or eventfd: 300 leaked ones could not hide in this slack
                    assertThat(Resources.openFileDescriptors()).isLessThanOrEqualTo(fdsBefore + 10);
                }
            });
        }
    }

    private static void failedStart(int takenPort) {
        assertThatThrownBy(() -> ChaosProxy.builder().eventLoops(2)
                .route(0, "127.0.0.1:9").name("free")
                .route(takenPort, "127.0.0.1:9").name("taken")
                .start()).isInstanceOf(IllegalStateException.class).hasMessageContaining("in use");
    }
}
