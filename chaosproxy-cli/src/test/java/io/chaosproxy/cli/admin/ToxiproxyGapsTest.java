package io.chaosproxy.cli.admin;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.cli.admin.AdminClient.Answer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Toxics Toxiproxy's clients add that we once refused, through the admin API and then through the proxy: a
 * slicer whose variation is as large as its average, {@code packet_loss}, {@code noop}; and Trixter's inserting
 * corruption, which Toxiproxy has not.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ToxiproxyGapsTest extends AdminServerFixture {

    private int createEcho() throws Exception {
        Answer created = api.call("POST", "/proxies", "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + upstream.address() + "\"}");
        assertThat(created.status()).isEqualTo(201);
        return Conn.portOf(created.json().get("listen").asText());
    }

    private Answer addToxic(String json) throws Exception {
        return api.call("POST", "/proxies/echo/toxics", json);
    }

    @Test
    void aSlicerWithAVariationAsLargeAsItsAverageIsTaken() throws Exception {
        int port = createEcho();
        // toxiproxy-node-client's own test adds exactly this one.
        Answer slicer = addToxic("{\"type\":\"slicer\",\"attributes\":{\"average_size\":1000,\"size_variation\":1000,"
                + "\"delay\":10}}");
        assertThat(slicer.status()).as(slicer.body()).isEqualTo(200);
        assertThat(slicer.json().get("attributes").get("size_variation").asLong()).isEqualTo(1000);
        assertThat(addToxic("{\"type\":\"slicer\",\"name\":\"wider\",\"attributes\":{\"average_size\":10,"
                + "\"size_variation\":5000}}").status()).isEqualTo(200);
        String message = "x".repeat(20_000);
        try (Conn conn = new Conn(port)) {
            conn.send(message);
            assertThat(conn.read(message.length())).isEqualTo(message);
        }
    }

    @Test
    void noopIsAToxicThatChangesNothing() throws Exception {
        int port = createEcho();
        Answer noop = addToxic("{\"type\":\"noop\"}");
        assertThat(noop.status()).as(noop.body()).isEqualTo(200);
        assertThat(noop.json().get("name").asText()).isEqualTo("noop_downstream");
        assertThat(noop.json().get("attributes").size()).isZero();
        assertThat(addToxic("{\"type\":\"noop\",\"name\":\"n2\",\"stream\":\"upstream\",\"attributes\":{}}").status())
                .isEqualTo(200);
        try (Conn conn = new Conn(port)) {
            conn.roundTrip("hello");
        }
    }

    @Test
    void packetLossTakesToxiproxysAttributesAndLosesTheBytes() throws Exception {
        int port = createEcho();
        Answer loss = addToxic("{\"type\":\"packet_loss\",\"attributes\":{\"loss_rate\":1.0,\"correlation\":0.5}}");
        assertThat(loss.status()).as(loss.body()).isEqualTo(200);
        assertThat(loss.json().get("name").asText()).isEqualTo("packet_loss_downstream");
        assertThat(loss.json().get("attributes").get("loss_rate").asDouble()).isEqualTo(1.0);
        assertThat(loss.json().get("attributes").get("correlation").asDouble()).isEqualTo(0.5);
        try (Conn conn = new Conn(port)) {
            conn.send("lost on the way back");
            conn.shutdownOutput();
            assertThat(conn.read(100)).as("the echo's bytes, all dropped; its end still comes").isEmpty();
        }
        // As in Toxiproxy, a rate left out is 0: the toxic is there and drops nothing.
        Answer none = addToxic("{\"type\":\"packet_loss\",\"name\":\"none\",\"stream\":\"upstream\"}");
        assertThat(none.json().get("attributes").get("loss_rate").asDouble()).isZero();
        Answer tooMuch = addToxic("{\"type\":\"packet_loss\",\"name\":\"bad\",\"attributes\":{\"loss_rate\":1.5}}");
        assertThat(tooMuch.status()).isEqualTo(400);
        assertThat(tooMuch.json().get("error").asText()).contains("loss_rate", "1.5");
    }

    @Test
    void corruptCanInsertRandomBytesAsTrixterDoes() throws Exception {
        int port = createEcho();
        Answer corrupt = addToxic("{\"type\":\"corrupt\",\"attributes\":{\"probability\":1.0,\"mode\":\"insert\"}}");
        assertThat(corrupt.status()).as(corrupt.body()).isEqualTo(200);
        assertThat(corrupt.json().get("attributes").get("mode").asText()).isEqualTo("insert");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("0123456789".getBytes(US_ASCII));
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            byte[] echoed = in.readAllBytes();
            assertThat(echoed.length).as("random bytes before the echo").isGreaterThan(10);
            assertThat(new String(echoed, echoed.length - 10, 10, US_ASCII)).isEqualTo("0123456789");
        }
    }
}
