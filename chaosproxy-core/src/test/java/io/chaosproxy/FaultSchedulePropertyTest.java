package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A property: random fault schedules, changed at random moments while bytes flow both ways: without
 * {@code corrupt} (and {@code limitData}, whose point is a clean short stream), what arrives is always a prefix of
 * what was sent, and a stream that arrives short always ends in a visible error (a reset), never in a clean end of
 * stream. Each case is generated from its own seed, named in the test's display name, so a failure replays.
 * (Plain JUnit rather than a property library: jqwik's maintainer asks that it not be used by AI coding agents.)
 */
class FaultSchedulePropertyTest {
    private static final int SIZE = 256 * 1024;
    private static final byte[] UP = FaultTestSupport.payload(21, SIZE);
    private static final byte[] DOWN = FaultTestSupport.payload(22, SIZE);

    /** One step: wait, then change the route. */
    record Step(int afterMillis, int action, Fault fault) {
        void apply(Route route) {
            try {
                switch (action) {
                    case 0, 1, 2 -> route.addFault(fault);
                    case 3 -> route.updateFault(fault);
                    case 4 -> route.removeFault(fault.name());
                    case 5 -> route.setFaults(List.of(fault));
                    case 6 -> route.clearFaults();
                    case 7 -> route.closeConnections();
                    default -> {
                        route.disable();
                        route.enable();
                    }
                }
            } catch (IllegalArgumentException | java.util.NoSuchElementException raced) {
                // a fault of that name exists already, or is not there: a schedule may ask for either
            }
        }
    }

    private static final long BASE_SEED = 20261201;
    private static final int CASES = 40;

    static List<Step> schedule(Random random) {
        int steps = 1 + random.nextInt(8);
        List<Step> schedule = new java.util.ArrayList<>();
        for (int i = 0; i < steps; i++) {
            Fault fault = randomFault(random).direction(Direction.values()[random.nextInt(3)])
                    .named(List.of("x", "y", "z").get(random.nextInt(3)));
            schedule.add(new Step(random.nextInt(61), random.nextInt(10), fault));
        }
        return schedule;
    }

    private static Fault randomFault(Random random) {
        return switch (random.nextInt(9)) {
            case 0 -> {
                int ms = random.nextInt(31);
                yield Fault.latency(Duration.ofMillis(ms)).jitter(Duration.ofMillis(ms / 2));
            }
            case 1 -> Fault.bandwidth(200_000 + random.nextInt(19_800_000));
            case 2 -> {
                int size = 1 + random.nextInt(3000);
                yield Fault.slicer(size, size / 2, Duration.ZERO);
            }
            case 3 -> Fault.loss(random.nextDouble() * 0.2).retransmitDelay(Duration.ofMillis(5));
            case 4 -> Fault.slowClose(Duration.ofMillis(random.nextInt(51)));
            case 5 -> Fault.timeout(Duration.ofMillis(random.nextInt(301)));
            case 6 -> Fault.terminate(random.nextDouble() * 0.02);
            case 7 -> Fault.resetPeer(Duration.ofMillis(random.nextInt(301)));
            default -> Fault.maxLifetime(Duration.ofMillis(1 + random.nextInt(400)));
        };
    }

    @TestFactory
    Stream<DynamicTest> whatArrivesIsAPrefixAndAShortStreamEndsInAReset() {
        return IntStream.range(0, CASES).mapToObj(i -> {
            long seed = BASE_SEED + i;
            return DynamicTest.dynamicTest("seed " + seed, () -> {
                try {
                    runSchedule(schedule(new Random(seed)));
                } finally {
                    closeEverything();
                }
            });
        });
    }

    private TcpServer upstream;
    private ChaosProxy proxy;

    @AfterEach
    void closeEverything() throws Exception {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
    }

    private void runSchedule(List<Step> schedule) throws Exception {
        CompletableFuture<Received> atUpstream = new CompletableFuture<>();
        upstream = TcpServer.start(socket -> {
            CompletableFuture<Void> sent = FaultTestSupport.inBackground("schedule-upstream-writer",
                    () -> writeAndHalfClose(socket, DOWN));
            atUpstream.complete(Received.readFrom(socket.getInputStream()));
            sent.exceptionally(e -> null).join();
        });
        proxy = ChaosProxy.builder().seed(schedule.hashCode()).shutdownTimeout(Duration.ZERO)
                .route(0, upstream.address()).name("r").start();
        Route route = proxy.route("r");
        try (Socket client = Sockets.connect(route)) {
            CompletableFuture<Void> sent = FaultTestSupport.inBackground("schedule-client-writer",
                    () -> writeAndHalfClose(client, UP));
            CompletableFuture<Received> atClient = Async.supplyAsync(() -> {
                try {
                    return Received.readFrom(client.getInputStream());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // The schedule starts mid-transfer: a cut before the upstream sent anything is an empty stream, not a loss.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> route.connections().stream().anyMatch(c -> c.bytesDownstream() > 0) || atClient.isDone());
            for (Step step : schedule) {
                Thread.sleep(step.afterMillis());   // the schedule's own timing: a step at a random moment, not a wait
                step.apply(route);
            }
            route.clearFaults();   // a stall left in place is lifted: every stream must now end, one way or another

            assertIsAPrefixEndingVisibly(atClient.get(30, TimeUnit.SECONDS), DOWN, "downstream (at the client)");
            sent.exceptionally(e -> null).get(30, TimeUnit.SECONDS);
        }
        assertIsAPrefixEndingVisibly(atUpstream.get(30, TimeUnit.SECONDS), UP, "upstream (at the upstream)");
    }

    private static void assertIsAPrefixEndingVisibly(Received received, byte[] sent, String where) {
        assertThat(received.bytes().length).as(where + ": length").isLessThanOrEqualTo(sent.length);
        assertThat(received.bytes()).as(where + ": a prefix of what was sent")
                .isEqualTo(Arrays.copyOf(sent, received.bytes().length));
        if (received.bytes().length < sent.length) {
            assertThat(received.error()).as(where + ": " + received.bytes().length + " of " + sent.length
                    + " bytes ended in a clean end of stream: a silent loss").isNotNull();
        }
    }

    /** In one write: the sender's bytes are then in flight until they arrive, as the README's bound assumes. */
    private static void writeAndHalfClose(Socket socket, byte[] data) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(data);
        socket.shutdownOutput();
    }

    /** What one side read before its end of stream, or before the error that ended it. */
    record Received(byte[] bytes, IOException error) {
        static Received readFrom(InputStream in) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            try {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    all.write(buffer, 0, n);
                }
                return new Received(all.toByteArray(), null);
            } catch (java.net.SocketTimeoutException hang) {
                throw new AssertionError("no byte and no end for 20 s after " + all.size() + " bytes: a hang", hang);
            } catch (IOException e) {
                return new Received(all.toByteArray(), e);
            }
        }
    }
}
