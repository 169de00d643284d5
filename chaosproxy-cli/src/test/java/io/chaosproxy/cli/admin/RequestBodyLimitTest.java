package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.cli.admin.AdminClient.Answer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Request bodies are bounded: over 1 MiB is a 413 with Toxiproxy's error JSON, found without waiting for the rest
 * of the body; up to 1 MiB is read and judged on its content. Each oversized request is written by hand on a raw
 * socket, so that the test controls how much of the body exists at all.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestBodyLimitTest extends AdminServerFixture {
    private static final int LIMIT = 1024 * 1024;

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeAnyOfTheBodyIsSent() throws Exception {
        String before = api.get("/proxies");
        try (Socket socket = connect()) {
            send(socket, "POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (LIMIT + 1) + "\r\n\r\n");   // and not one byte of the body
            assertIsTooLarge(readAnswer(socket), "1048577 bytes is over the limit");
        }
        assertThat(api.get("/proxies")).isEqualTo(before);
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWithoutWaitingForItsEnd() throws Exception {
        String before = api.get("/proxies");
        try (Socket socket = connect()) {
            send(socket, "POST /populate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n");
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) ' ');
            OutputStream out = socket.getOutputStream();
            for (int sent = 0; sent <= LIMIT; sent += chunk.length) {   // 1 MiB + 64 KiB, and never the last chunk
                out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            assertIsTooLarge(readAnswer(socket), "more than 1048576 bytes is over the limit");
        }
        assertThat(api.get("/proxies")).isEqualTo(before);
    }

    @Test
    void aBodyOfExactlyTheLimitIsReadAndJudgedOnItsContent() throws Exception {
        String before = api.get("/proxies");
        String body = "{\"name\":\"" + "x".repeat(LIMIT - 9);   // 1 MiB, a string that never ends
        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(LIMIT);
        Answer answer = api.call("POST", "/proxies", body);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).startsWith("bad request body");
        assertThat(api.get("/proxies")).isEqualTo(before);
    }

    @Test
    void aChunkedBodyWithinTheLimitIsReadWhole() throws Exception {
        byte[] body = ("{\"name\":\"chunked\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + upstream.address()
                + "\"}" + " ".repeat(LIMIT / 2)).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(admin.url() + "/proxies"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))   // chunked
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        assertThat(chaos.route("chunked").upstream()).isEqualTo(upstream.address());
    }

    private void assertIsTooLarge(String answer, String message) throws IOException {
        assertThat(answer).startsWith("HTTP/1.1 413 ");
        assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("\r\nconnection: close\r\n");
        JsonNode error = Json.MAPPER.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertThat(error.get("status").asInt()).isEqualTo(413);
        assertThat(error.get("error").asText()).startsWith("request body: ").contains(message);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(admin.address().getAddress(), admin.address().getPort()), 5000);
        socket.setSoTimeout(10_000);   // a server that waits for the whole body never answers: fail, do not hang
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** The status line, headers and body of one answer that carries a Content-Length. */
    private static String readAnswer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the answer ended within its headers: " + head);
            }
            head.append((char) b);
        }
        String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
        int at = lower.indexOf("content-length:");
        int length = Integer.parseInt(lower.substring(at + 15, lower.indexOf("\r\n", at)).strip());
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
