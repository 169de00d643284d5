package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** EOF from one side reaches the other as a half-close; the other direction keeps flowing. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HalfCloseTest {

    @Test
    void upstreamSeesTheClientsEofAndStillAnswers() throws Exception {
        // The upstream reads the whole request (to EOF) and only then answers: netcat and HTTP/1.0 style.
        try (TcpServer upstream = TcpServer.start(socket -> {
                    byte[] request = socket.getInputStream().readAllBytes();
                    String answer = "got " + request.length + " bytes: " + new String(request, StandardCharsets.UTF_8);
                    socket.getOutputStream().write(answer.getBytes(StandardCharsets.UTF_8));
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            client.getOutputStream().write("ping".getBytes(StandardCharsets.UTF_8));
            client.shutdownOutput();
            assertThat(Sockets.readAll(client)).isEqualTo("got 4 bytes: ping");
        }
    }

    @Test
    void clientKeepsSendingAfterTheUpstreamHalfCloses() throws Exception {
        CompletableFuture<String> upstreamReceived = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    socket.getOutputStream().write("banner".getBytes(StandardCharsets.UTF_8));
                    socket.shutdownOutput();
                    upstreamReceived.complete(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                });
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            InputStream in = client.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("banner");
            client.getOutputStream().write("still talking".getBytes(StandardCharsets.UTF_8));
            client.shutdownOutput();
            assertThat(upstreamReceived.get(10, TimeUnit.SECONDS)).isEqualTo("still talking");
        }
    }
}
