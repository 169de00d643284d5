package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Clients that stop halfway through a request body hold nothing but their own request. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class StalledClientsTest extends AdminServerFixture {

    @Test
    void eightClientsStalledMidBodyDoNotStopTheApiForOthers() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), admin.address().getPort());
                socket.getOutputStream().write(("POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 40\r\n\r\n{\"na").getBytes(StandardCharsets.US_ASCII));
                stalled.add(socket);
            }
            // Four fixed threads, all held by stalled bodies, made this wait for good.
            AdminClient.Answer version = api.call("GET", "/version", null);
            assertThat(version.status()).isEqualTo(200);
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
    }
}
