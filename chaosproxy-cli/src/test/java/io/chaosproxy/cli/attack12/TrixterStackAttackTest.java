package io.chaosproxy.cli.attack12;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Route;
import io.chaosproxy.cli.trixter.TrixterMode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every Trixter knob but termination at once, both ways, turned while a stream echoes through: Trixter's
 * corruption only inserts, so every byte sent comes back, in order, behind the garbage, and the stream ends with a
 * FIN once the client ends its own.
 */
@Timeout(60)
class TrixterStackAttackTest {

    @Test
    void allKnobsTurningWhileAStreamEchoesLoseAndReorderNothing() throws Exception {
        byte[] payload = new byte[1 << 20];
        new Random(12).nextBytes(payload);
        try (Echo upstream = new Echo();
                Cli cli = Cli.trixter(upstream.address(), "--delay-ms", "3", "--throttle-rate-bytes", "2000000",
                        "--slice-size-bytes", "700", "--corrupt-probability-rate", "0.05")) {
            Http api = new Http(cli.running().trixter().url());
            Route route = cli.running().proxy().route(TrixterMode.ROUTE);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), route.localPort())) {
                client.setSoTimeout(30_000);
                ChaosConnection connection = await().atMost(Duration.ofSeconds(10))
                        .until(route::connections, list -> !list.isEmpty()).get(0);
                String id = Long.toString(connection.id());
                CompletableFuture<byte[]> echoed = io.chaosproxy.cli.Async.supplyAsync(() -> {
                    try {
                        ByteArrayOutputStream all = new ByteArrayOutputStream();
                        client.getInputStream().transferTo(all);   // a reset throws here
                        return all.toByteArray();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                CompletableFuture<Void> turned = new CompletableFuture<>();
                CompletableFuture<Void> writer = io.chaosproxy.cli.Async.runAsync(() -> {
                    try {
                        for (int offset = 0; offset < payload.length; offset += 8192) {
                            client.getOutputStream().write(payload, offset, 8192);
                        }
                        turned.get(30, TimeUnit.SECONDS);   // the connection stays until the knobs were turned
                        client.shutdownOutput();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                Random random = new Random(34);
                List<String> knobs = List.of("delay", "throttle", "slice", "corruption");
                int turns = 60;
                for (int turn = 0; turn < turns; turn++) {
                    // Each turn once the stream has moved on since the last: all of them while it flows, over its
                    // first half (a sleep spread them over a span the stream may have outrun, or not yet reached).
                    long reached = (long) turn * payload.length / (2 * turns);
                    await().atMost(Duration.ofSeconds(20)).until(() -> connection.bytesUpstream() >= reached);
                    String knob = knobs.get(random.nextInt(knobs.size()));
                    String body = switch (knob) {
                        case "delay" -> "{\"delay_ms\":" + random.nextInt(6) + "}";
                        case "throttle" -> "{\"rate_bytes\":" + (random.nextBoolean() ? 0 : 1_000_000
                                + random.nextInt(3_000_000)) + "}";
                        case "slice" -> "{\"size_bytes\":" + random.nextInt(2000) + "}";
                        default -> "{\"probability_rate\":" + (1 + random.nextInt(5)) / 100.0 + "}";
                    };
                    int status = api.patch("/connections/" + id + "/" + knob, body).statusCode();
                    assertThat(status).as("%s %s", knob, body).isEqualTo(202);
                }
                turned.complete(null);
                writer.get(30, TimeUnit.SECONDS);
                byte[] got = echoed.get(30, TimeUnit.SECONDS);
                long corrupted = cli.running().proxy().metrics().bytesCorrupted();
                System.out.printf("sent %d KiB, got %d KiB back, %d KiB inserted%n", payload.length >> 10,
                        got.length >> 10, corrupted >> 10);
                assertThat(inOrderPrefix(payload, got)).as("bytes sent that came back, in order")
                        .isEqualTo(payload.length);
                // Corruption stacks behind the slicer, so it draws per slice: ~1,500 draws each way. (It once drew
                // per read of up to 64 KiB in the JVMs where Map.copyOf put it first: no insertion in ~1 run of 5.)
                assertThat(corrupted).as("garbage inserted").isPositive();
                assertThat(got.length).isEqualTo(payload.length + corrupted);
            }
        }
    }

    private static int inOrderPrefix(byte[] sent, byte[] received) {
        int matched = 0;
        for (int i = 0; i < received.length && matched < sent.length; i++) {
            if (received[i] == sent[matched]) {
                matched++;
            }
        }
        return matched;
    }
}
