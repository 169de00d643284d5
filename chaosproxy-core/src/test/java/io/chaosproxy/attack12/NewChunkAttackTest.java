package io.chaosproxy.attack12;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.TcpServer;
import io.chaosproxy.reliability.Resources;
import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import io.chaosproxy.spi.StageTimer;
import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * StageContext.newChunk, from a stage of the test's own through the public SPI: the size limits (0, 1, 64 KiB,
 * 64 KiB + 1), the caller's buffer left as it was, the new bytes counted while held and given back when the
 * connection closes, a new chunk made after the connection closed or from a timer, and direct memory back to its
 * baseline after many connections that made them.
 */
@Timeout(60)
class NewChunkAttackTest {

    /** What the upstream read, and whether its stream ended with a FIN or a reset. */
    record Received(byte[] bytes, String end) {
    }

    private static TcpServer recordingUpstream(CompletableFuture<Received> received) {
        return TcpServer.start(socket -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = socket.getInputStream().read(buffer)) >= 0) {
                    all.write(buffer, 0, n);
                }
                received.complete(new Received(all.toByteArray(), "fin"));
            } catch (SocketException e) {
                received.complete(new Received(all.toByteArray(), "reset"));
            }
        });
    }

    private static ChaosProxy proxy(TcpServer upstream, Fault... faults) {
        var route = ChaosProxy.builder().seed(12).shutdownTimeout(Duration.ZERO).route(0, upstream.address());
        for (Fault fault : faults) {
            route.fault(fault);
        }
        return route.start();
    }

    @Test
    void sizesAtTheLimitsAreCheckedAndTheCallersBufferIsLeftAsItWas() throws Exception {
        List<String> outcomes = new CopyOnWriteArrayList<>();
        byte[] big = Bytes.payload(1, Chunk.MAX_SIZE);
        Custom adder = Custom.of("adder", Direction.UPSTREAM, context -> new Stage() {
            boolean added;

            @Override
            public void onChunk(Chunk chunk) {
                if (!added && !chunk.isEnd()) {
                    added = true;
                    for (int size : new int[] {0, Chunk.MAX_SIZE + 1}) {
                        try {
                            context.newChunk(ByteBuffer.allocate(size));
                            outcomes.add(size + ": taken");
                        } catch (IllegalArgumentException e) {
                            outcomes.add(size + ": refused");
                        }
                    }
                    ByteBuffer one = ByteBuffer.wrap("xAy".getBytes(StandardCharsets.US_ASCII), 1, 1);
                    context.forward(context.newChunk(one));
                    outcomes.add("1: position " + one.position() + " limit " + one.limit());
                    ByteBuffer max = ByteBuffer.allocateDirect(Chunk.MAX_SIZE).put(big).flip().asReadOnlyBuffer();
                    context.forward(context.newChunk(max));
                    outcomes.add("65536: position " + max.position() + " limit " + max.limit());
                }
                context.forward(chunk);
            }
        });
        CompletableFuture<Received> received = new CompletableFuture<>();
        try (TcpServer upstream = recordingUpstream(received);
                ChaosProxy proxy = proxy(upstream, adder);
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            Received got = received.get(20, TimeUnit.SECONDS);

            assertThat(outcomes).containsExactly("0: refused", "65537: refused", "1: position 1 limit 2",
                    "65536: position 0 limit 65536");
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.write('A');
            expected.write(big);
            expected.write("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(got.end()).isEqualTo("fin");
            assertThat(got.bytes()).isEqualTo(expected.toByteArray());
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(proxy.metrics().bytesUpstream()).isEqualTo(expected.size());
            assertThat(proxy.metrics().bufferedBytes()).isZero();
        }
    }

    @Test
    void aHeldNewChunkCountsUntilItsFaultGoesThenMovesOnInOrder() throws Exception {
        byte[] added = Bytes.payload(2, Chunk.MAX_SIZE);
        Custom holder = Custom.of("holder", Direction.UPSTREAM, context -> new Stage() {
            boolean added0;

            @Override
            public void onChunk(Chunk chunk) {
                if (!added0 && !chunk.isEnd()) {
                    added0 = true;
                    context.hold(context.newChunk(ByteBuffer.wrap(added)));
                    context.hold(chunk);
                    return;
                }
                if (context.peekHeld() != null) {
                    context.hold(chunk);   // keeps order behind what it holds
                } else {
                    context.forward(chunk);
                }
            }
        });
        CompletableFuture<Received> received = new CompletableFuture<>();
        try (TcpServer upstream = recordingUpstream(received);
                ChaosProxy proxy = proxy(upstream, holder);
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            client.getOutputStream().write("tail".getBytes(StandardCharsets.US_ASCII));
            Route route = proxy.routes().get(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> route.metrics().bufferedBytes() >= Chunk.MAX_SIZE);
            assertThat(route.metrics().peakPipeBufferedBytes()).isGreaterThanOrEqualTo(Chunk.MAX_SIZE);

            route.removeFault("holder");
            client.shutdownOutput();
            Received got = received.get(20, TimeUnit.SECONDS);
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.write(added);
            expected.write("tail".getBytes(StandardCharsets.US_ASCII));
            assertThat(got.bytes()).isEqualTo(expected.toByteArray());
            assertThat(got.end()).isEqualTo("fin");
            await().atMost(Duration.ofSeconds(10)).until(() -> route.metrics().bufferedBytes() == 0);
        }
    }

    @Test
    void aHeldNewChunkIsGivenBackWhenTheConnectionIsCutAndTheUpstreamSeesAReset() throws Exception {
        Custom holder = Custom.of("holder", Direction.UPSTREAM, context -> chunk -> {
            if (!chunk.isEnd()) {
                context.hold(context.newChunk(ByteBuffer.wrap(new byte[Chunk.MAX_SIZE])));
            }
            context.hold(chunk);
        });
        CompletableFuture<Received> received = new CompletableFuture<>();
        try (TcpServer upstream = recordingUpstream(received);
                ChaosProxy proxy = proxy(upstream, holder);
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            client.getOutputStream().write(1);
            Route route = proxy.routes().get(0);
            await().atMost(Duration.ofSeconds(10)).until(() -> route.metrics().bufferedBytes() >= Chunk.MAX_SIZE);
            route.connections().get(0).close();
            // Bytes the upstream never got were held: it must not take what it got for the whole stream.
            assertThat(received.get(20, TimeUnit.SECONDS)).extracting(Received::end).isEqualTo("reset");
            await().atMost(Duration.ofSeconds(10)).until(() -> route.metrics().bufferedBytes() == 0);
        }
    }

    @Test
    void newChunksMadeAfterTheConnectionClosedAreNeitherSentNorCounted() throws Exception {
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        Custom afterReset = Custom.of("after-reset", Direction.UPSTREAM, context -> chunk -> {
            if (chunk.isEnd()) {
                context.forward(chunk);
                return;
            }
            context.reset("the stage's own reset");
            try {
                context.forward(context.newChunk(ByteBuffer.wrap(new byte[Chunk.MAX_SIZE])));
                Chunk held = context.newChunk(ByteBuffer.wrap(new byte[100]));
                context.hold(held);
                context.discard(context.newChunk(ByteBuffer.wrap(new byte[1])));
                context.forward(chunk);
            } catch (RuntimeException e) {
                thrown.add(e);
            }
        });
        CompletableFuture<Received> received = new CompletableFuture<>();
        try (TcpServer upstream = recordingUpstream(received);
                ChaosProxy proxy = proxy(upstream, afterReset);
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            client.getOutputStream().write(1);
            assertThat(received.get(20, TimeUnit.SECONDS)).satisfies(got -> {
                assertThat(got.bytes()).isEmpty();
                assertThat(got.end()).isEqualTo("reset");
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(thrown).isEmpty();
            assertThat(proxy.metrics().bufferedBytes()).isZero();
            assertThat(proxy.metrics().bytesUpstream()).isZero();
        }
    }

    @Test
    void aNewChunkFromATimerGoesOutInOrderAndTheStreamEndsWithAFin() throws Exception {
        Custom trailer = Custom.of("trailer", Direction.UPSTREAM, context -> new Stage() {
            final StageTimer timer = context.newTimer(this::addTrailer);

            void addTrailer() {
                context.forward(context.newChunk(ByteBuffer.wrap("<timer>".getBytes(StandardCharsets.US_ASCII))));
                Chunk end = context.pollHeld();
                if (end != null) {
                    context.forward(end);
                }
            }

            @Override
            public void onChunk(Chunk chunk) {
                if (chunk.isEnd()) {
                    context.hold(chunk);   // the end waits for the trailer
                    timer.armIn(TimeUnit.MILLISECONDS.toNanos(50));
                } else {
                    context.forward(chunk);
                }
            }
        });
        CompletableFuture<Received> received = new CompletableFuture<>();
        try (TcpServer upstream = recordingUpstream(received);
                ChaosProxy proxy = proxy(upstream, trailer);
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            client.getOutputStream().write("body".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            Received got = received.get(20, TimeUnit.SECONDS);
            assertThat(new String(got.bytes(), StandardCharsets.US_ASCII)).isEqualTo("body<timer>");
            assertThat(got.end()).isEqualTo("fin");
        }
    }

    @Test
    void aNewChunkForwardedAfterTheEndNeitherHangsNorLeaks() throws Exception {
        List<Throwable> thrown = new CopyOnWriteArrayList<>();
        CountDownLatch lateTried = new CountDownLatch(1);
        Custom late = Custom.of("late", Direction.UPSTREAM, context -> new Stage() {
            final StageTimer timer = context.newTimer(() -> {
                try {
                    context.forward(context.newChunk(ByteBuffer.wrap("late".getBytes(StandardCharsets.US_ASCII))));
                } catch (RuntimeException e) {
                    thrown.add(e);
                } finally {
                    lateTried.countDown();
                }
            });

            @Override
            public void onChunk(Chunk chunk) {
                context.forward(chunk);
                if (chunk.isEnd()) {
                    timer.armIn(TimeUnit.MILLISECONDS.toNanos(20));   // bytes after the end: a stage's mistake
                }
            }
        });
        CompletableFuture<Received> received = new CompletableFuture<>();
        try (TcpServer upstream = TcpServer.start(socket -> {
                    ByteArrayOutputStream all = new ByteArrayOutputStream();
                    try {
                        socket.getInputStream().transferTo(all);
                        received.complete(new Received(all.toByteArray(), "fin"));
                        // The other direction stays open until the stage has tried its late bytes.
                        assertThat(lateTried.await(20, TimeUnit.SECONDS)).as("the late timer fired").isTrue();
                        socket.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
                        socket.shutdownOutput();
                    } catch (SocketException e) {
                        received.complete(new Received(all.toByteArray(), "reset"));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                ChaosProxy proxy = proxy(upstream, late);
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            client.getOutputStream().write("body".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            Received got = received.get(20, TimeUnit.SECONDS);
            assertThat(new String(got.bytes(), StandardCharsets.US_ASCII)).isEqualTo("body");
            try {
                client.getInputStream().readAllBytes();
            } catch (SocketException e) {
                // a reset is an honest answer to a stage that broke the stream
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metrics().activeConnections() == 0);
            await().atMost(Duration.ofSeconds(10)).until(() -> proxy.metrics().bufferedBytes() == 0);
            System.out.println("late chunk: thrown=" + thrown + " metrics=" + proxy.metrics());
        }
    }

    @Test
    void directMemoryGoesBackToItsBaselineAfterManyConnectionsMadeNewChunks() throws Exception {
        Custom adder = Custom.of("adder", Direction.BOTH, context -> chunk -> {
            if (!chunk.isEnd() && context.hasRoomToSplit()) {
                context.forward(context.newChunk(ByteBuffer.wrap(new byte[Chunk.MAX_SIZE])));
            }
            context.forward(chunk);
        });
        try (TcpServer upstream = TcpServer.start(socket -> socket.getInputStream().transferTo(
                java.io.OutputStream.nullOutputStream()))) {
            runConnections(upstream, adder, 20);   // warm-up: the pools and the handed-over buffers fill once
            long baseline = Resources.settled().directBytes();
            runConnections(upstream, adder, 200);
            long after = Resources.settled().directBytes();
            System.out.printf("direct memory: baseline %d KiB, after 200 connections %d KiB%n", baseline >> 10,
                    after >> 10);
            assertThat(after - baseline).as("direct memory growth").isLessThanOrEqualTo(4 << 20);   // a leak would be 25 MiB
        }
    }

    /** Connections whose stage adds 64 KiB before each chunk, held by a latency behind it, then all cut. */
    private static void runConnections(TcpServer upstream, Custom adder, int count) throws Exception {
        try (ChaosProxy proxy = proxy(upstream, adder, Fault.latency(Duration.ofSeconds(30)).direction(Direction.BOTH))) {
            Route route = proxy.routes().get(0);
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < count; i++) {
                    Socket client = Bytes.connect(route.localPort());
                    clients.add(client);
                    client.getOutputStream().write(new byte[100]);
                }
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> route.metrics().bufferedBytes() >= (long) count * Chunk.MAX_SIZE);
                route.closeConnections();
                await().atMost(Duration.ofSeconds(20)).until(() -> route.metrics().activeConnections() == 0);
                assertThat(route.metrics().bufferedBytes()).isZero();
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
            for (ChaosConnection c : route.connections()) {
                throw new AssertionError("still live: " + c);
            }
        }
    }
}
