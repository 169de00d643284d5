package io.chaosproxy.cli.trixter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.cli.trixter.TrixterRun.Client;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each of Trixter's knobs on one live connection, through real sockets, measured as a user would. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TrixterKnobsTest {

    @Test
    void delayHoldsWritesBothWaysAndZeroTakesItAway() throws Exception {
        try (Upstream upstream = Upstream.echo();
                TrixterRun trixter = TrixterRun.to(upstream.address(), "--delay-ms", "150");
                Client client = trixter.connect()) {
            // From the flag: 150 ms on the way up, 150 ms on the way back.
            assertThat(roundTripMillis(client.socket())).isBetween(300L, 1500L);
            assertThat(trixter.patch("/connections/" + client.id() + "/delay", "{\"delay_ms\":250}")
                    .statusCode()).isEqualTo(202);
            assertThat(roundTripMillis(client.socket())).isBetween(500L, 2000L);
            assertThat(trixter.patch("/connections/" + client.id() + "/delay", "{\"delay_ms\":0}")
                    .statusCode()).isEqualTo(202);
            assertThat(roundTripMillis(client.socket())).isLessThan(250L);
        }
    }

    @Test
    void throttleKeepsTheDownloadWithinFivePercentOfTheRate() throws Exception {
        long rate = 100_000;
        byte[] data = randomBytes((int) (2 * rate));
        try (Upstream upstream = Upstream.sendsOnRequest(data);
                TrixterRun trixter = TrixterRun.to(upstream.address());
                Client client = trixter.connect()) {
            assertThat(trixter.patch("/connections/" + client.id() + "/throttle", "{\"rate_bytes\":" + rate + "}")
                    .statusCode()).isEqualTo(202);
            client.socket().getOutputStream().write('!');
            Transfer download = Transfer.read(client.socket().getInputStream());
            assertThat(download.bytes()).isEqualTo(data);
            assertWithinFivePercent("download", download.bytesPerSecond(), rate);
        }
    }

    @Test
    void throttleKeepsTheUploadWithinFivePercentOfTheRate() throws Exception {
        long rate = 100_000;
        byte[] data = randomBytes((int) (2 * rate));
        CompletableFuture<Transfer> received = new CompletableFuture<>();
        try (Upstream upstream = Upstream.measures(received);
                TrixterRun trixter = TrixterRun.to(upstream.address(), "--throttle-rate-bytes", "" + rate);
                Client client = trixter.connect()) {
            client.socket().getOutputStream().write(data);
            client.socket().shutdownOutput();
            Transfer upload = received.get(30, TimeUnit.SECONDS);
            assertThat(upload.bytes()).isEqualTo(data);
            assertWithinFivePercent("upload", upload.bytesPerSecond(), rate);
        }
    }

    @Test
    void sliceCutsEachWriteIntoSlicesOfTheSizeBothWays() throws Exception {
        // 10,000 slices of 3 bytes, each its own write: so many that the reader cannot take them all in one read.
        byte[] data = randomBytes(30_000);
        try (Upstream upstream = Upstream.sendsOnRequest(data);
                TrixterRun trixter = TrixterRun.to(upstream.address());
                Client client = trixter.connect()) {
            assertThat(trixter.patch("/connections/" + client.id() + "/slice", "{\"size_bytes\":3}")
                    .statusCode()).isEqualTo(202);
            client.socket().getOutputStream().write('!');
            Transfer download = Transfer.read(client.socket().getInputStream());
            assertThat(download.bytes()).isEqualTo(data);
            assertSliced("download", download, 3);
        }
        CompletableFuture<Transfer> received = new CompletableFuture<>();
        try (Upstream upstream = Upstream.measures(received);
                TrixterRun trixter = TrixterRun.to(upstream.address(), "--slice-size-bytes", "3");
                Client client = trixter.connect()) {
            client.socket().getOutputStream().write(data);   // one write the proxy reads whole (loopback)
            client.socket().shutdownOutput();
            Transfer upload = received.get(30, TimeUnit.SECONDS);
            assertThat(upload.bytes()).isEqualTo(data);
            assertSliced("upload", upload, 3);
        }
    }

    @Test
    void terminationOfOneResetsTheConnectionOnItsNextWrite() throws Exception {
        try (Upstream upstream = Upstream.echo();
                TrixterRun trixter = TrixterRun.to(upstream.address());
                Client client = trixter.connect()) {
            assertThat(roundTripMillis(client.socket())).isLessThan(1000L);
            assertThat(trixter.patch("/connections/" + client.id() + "/termination",
                    "{\"probability_rate\":1.0}").statusCode()).isEqualTo(202);
            client.socket().getOutputStream().write('x');
            assertThatThrownBy(() -> client.socket().getInputStream().read())
                    .isInstanceOf(SocketException.class).hasMessageContaining("reset");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> !TrixterApiTest.ids(trixter.connections()).contains(client.id()));
        }
    }

    @Test
    void terminationDecisionsReplayWithTheSeedAndDifferPerConnection() throws Exception {
        int[] first = roundTripsBeforeReset(42);
        int[] again = roundTripsBeforeReset(42);
        assertThat(again).isEqualTo(first);
        // Each connection has its own stream of decisions (Trixter gives each the same one).
        assertThat(first[0]).isNotEqualTo(first[1]);
        assertThat(first).doesNotContain(-1);
    }

    /** With 5% termination from the flag, how many round trips each of two connections made before its reset. */
    private static int[] roundTripsBeforeReset(long seed) throws Exception {
        try (Upstream upstream = Upstream.echo();
                TrixterRun trixter = TrixterRun.to(upstream.address(), "--terminate-probability-rate", "0.05",
                        "--random-seed", Long.toString(seed))) {
            int[] trips = new int[2];
            for (int i = 0; i < trips.length; i++) {
                try (Client client = trixter.connect()) {
                    trips[i] = pingUntilReset(client.socket(), 1000);
                }
            }
            return trips;
        }
    }

    @Test
    void corruptionChangesTheStreamAndZeroStopsIt() throws Exception {
        byte[] data = randomBytes(4096);
        try (Upstream upstream = Upstream.echo();
                TrixterRun trixter = TrixterRun.to(upstream.address(), "--corrupt-probability-rate", "1.0")) {
            try (Client client = trixter.connect()) {
                byte[] echoed = echo(client.socket(), data);
                // Inserted, not replaced: longer, and every byte sent is still there, in order, among the garbage.
                assertThat(echoed.length).as("the echo grew").isGreaterThan(data.length);
                assertThat(isSubsequence(data, echoed)).as("what was sent arrives in order").isTrue();
            }
            try (Client client = trixter.connect()) {
                assertThat(trixter.patch("/connections/" + client.id() + "/corruption",
                        "{\"probability_rate\":0.0}").statusCode()).isEqualTo(202);
                assertThat(echo(client.socket(), data)).isEqualTo(data);
            }
        }
    }

    @Test
    void shutdownClosesBothSidesAndLogsTheReason() throws Exception {
        CompletableFuture<String> upstreamEnd = new CompletableFuture<>();
        try (Upstream upstream = Upstream.echoesUntilEnd(upstreamEnd);
                TrixterRun trixter = TrixterRun.to(upstream.address());
                Client client = trixter.connect()) {
            assertThat(roundTripMillis(client.socket())).isLessThan(1000L);
            assertThat(trixter.post("/connections/" + client.id() + "/shutdown", "{\"reason\":\"too slow\"}")
                    .statusCode()).isEqualTo(202);
            assertThat(endOf(client.socket())).isTrue();
            // Cut as ChaosConnection.close() cuts: an RST to a side whose stream had not ended.
            assertThat(upstreamEnd.get(10, TimeUnit.SECONDS)).isEqualTo("reset");
            assertThat(trixter.out()).contains("trixter conn=" + client.id() + " ", " shutdown reason=\"too slow\"");
        }
    }

    @Test
    void shutdownOfAllClosesEveryConnection() throws Exception {
        try (Upstream upstream = Upstream.echo();
                TrixterRun trixter = TrixterRun.to(upstream.address());
                Client first = trixter.connect();
                Client second = trixter.connect();
                Client third = trixter.connect()) {
            assertThat(trixter.post("/connections/_all/shutdown", "{\"reason\":\"test teardown\"}").statusCode())
                    .isEqualTo(202);
            assertThat(trixter.connections()).isEmpty();
            for (Client client : new Client[] {first, second, third}) {
                assertThat(endOf(client.socket())).as("connection %s ended", client.id()).isTrue();
                assertThat(trixter.out()).contains("trixter conn=" + client.id() + " ");
            }
            assertThat(trixter.out().split("shutdown reason=\"test teardown\"", -1)).hasSize(4);
            // With nothing left, _all still answers 202.
            assertThat(trixter.post("/connections/_all/shutdown", "{\"reason\":\"again\"}").statusCode())
                    .isEqualTo(202);
        }
    }

    @Test
    void aConnectionPastTheDurationIsReset() throws Exception {
        try (Upstream upstream = Upstream.echo();
                TrixterRun trixter = TrixterRun.to(upstream.address(), "--connection-duration-ms", "1000")) {
            // Before connect(): it returns only once the API lists the connection, which can take a poll or two
            // of its lifetime; timed from there, the reset looked early (228 ms) on a loaded machine.
            long start = System.nanoTime();
            try (Client client = trixter.connect()) {
                assertThat(roundTripMillis(client.socket())).isLessThan(1000L);
                assertThatThrownBy(() -> client.socket().getInputStream().read())
                        .isInstanceOf(SocketException.class).hasMessageContaining("reset");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isBetween(1000L, 6000L);
            }
        }
    }

    /** One byte there and back, in milliseconds. */
    static long roundTripMillis(Socket socket) throws IOException {
        long start = System.nanoTime();
        socket.getOutputStream().write('p');
        assertThat(socket.getInputStream().read()).isEqualTo('p');
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Round trips of 64 bytes until the connection is reset; how many completed. */
    static int pingUntilReset(Socket socket, int most) throws IOException {
        byte[] message = randomBytes(64);
        byte[] answer = new byte[64];
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        for (int trip = 0; trip < most; trip++) {
            try {
                out.write(message);
                if (in.readNBytes(answer, 0, answer.length) < answer.length) {
                    throw new AssertionError("the connection ended with a FIN after " + trip + " round trips");
                }
            } catch (SocketException e) {
                assertThat(e).hasMessageContaining("reset");
                return trip;
            }
        }
        throw new AssertionError("no reset in " + most + " round trips");
    }

    /** Sends {@code data}, half-closes, and returns everything echoed. */
    private static boolean isSubsequence(byte[] wanted, byte[] in) {
        int found = 0;
        for (int i = 0; i < in.length && found < wanted.length; i++) {
            if (in[i] == wanted[found]) {
                found++;
            }
        }
        return found == wanted.length;
    }

    static byte[] echo(Socket socket, byte[] data) throws IOException {
        socket.getOutputStream().write(data);
        socket.shutdownOutput();
        return socket.getInputStream().readAllBytes();
    }

    /** Whether the connection ended: a FIN or an RST. */
    static boolean endOf(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketException e) {
            return true;
        }
    }

    private static void assertWithinFivePercent(String what, double measured, long rate) {
        double error = (measured - rate) * 100.0 / rate;
        System.out.printf("ACCURACY trixter throttle %s rate=%d measured=%.0f error=%+.2f%%%n", what, rate,
                measured, error);
        assertThat(Math.abs(error)).as("%s error %% at %d bytes/s", what, rate).isLessThan(5.0);
    }

    /**
     * The data did not come in one piece, and every read but the last is made of whole slices: loopback delivers
     * each write as one segment (below its 64 KiB MSS), and a read takes whole segments.
     */
    static void assertSliced(String what, Transfer transfer, int size) {
        System.out.printf("SLICES trixter %s size=%d bytes=%d reads=%d%n", what, size, transfer.bytes().length,
                transfer.reads().size());
        assertThat(transfer.reads()).hasSizeGreaterThan(1);
        assertThat(transfer.reads().subList(0, transfer.reads().size() - 1))
                .allSatisfy(read -> assertThat(read % size).as("read of %d bytes", read).isZero());
    }

    static byte[] randomBytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }
}
