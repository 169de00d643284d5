package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ForwardingTest {

    @Test
    void echoesThroughTheProxy() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            client.getOutputStream().write("hello".getBytes(StandardCharsets.UTF_8));
            client.shutdownOutput();
            assertThat(Sockets.readAll(client)).isEqualTo("hello");
        }
    }
}
