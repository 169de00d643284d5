package io.chaosproxy.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.fault.Envelope;
import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.FaultType;
import io.chaosproxy.spi.TypedFault;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Promise 5: nothing a stage, a listener or a socket throws ends a loop, and the connection concerned is reset
 * (the README: "the connection concerned is reset and the loop goes on").
 */
class LoopAttackTest {

    private static Upstream echo() {
        return Upstream.start(socket -> {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            in.transferTo(out);
        });
    }

    private static void roundTrip(int port) throws Exception {
        try (Socket socket = Attack.connect(port)) {
            socket.getOutputStream().write(42);
            assertThat(socket.getInputStream().read()).isEqualTo(42);
        }
    }

    @Test
    void listenersThrowingOutOfMemoryAndStackOverflowOnEveryEvent() throws Exception {
        AtomicInteger heard = new AtomicInteger();
        try (Upstream upstream = echo();
                ChaosProxy proxy = ChaosProxy.builder().eventLoops(1).listener(event -> {
                    heard.incrementAndGet();
                    throw event instanceof ChaosEvent.ConnectionOpened ? new OutOfMemoryError("attack")
                            : new StackOverflowError("attack");
                }).route(0, upstream.address()).latency(Duration.ofMillis(1)).start()) {
            for (int i = 0; i < 5; i++) {
                roundTrip(proxy.routes().get(0).localPort());
            }
            await().until(() -> heard.get() >= 15);   // opened, injected, closed for each
        }
    }

    /**
     * A listener that restores an interrupt, as the JDK asks code that catches InterruptedException to do,
     * leaves the loop thread interrupted. NIO channels close themselves when used by an interrupted thread.
     */
    @Test
    void aListenerThatLeavesTheLoopThreadInterrupted() throws Exception {
        try (Upstream upstream = echo();
                ChaosProxy proxy = ChaosProxy.builder().eventLoops(1).listener(event -> {
                    if (event instanceof ChaosEvent.ConnectionOpened opened && opened.connection().id() == 1) {
                        Thread.currentThread().interrupt();
                    }
                }).route(0, upstream.address()).start()) {
            int port = proxy.routes().get(0).localPort();
            try (Socket first = Attack.connect(port)) {
                first.getOutputStream().write(1);
                try {
                    System.out.printf("[loop] first connection read %d%n", first.getInputStream().read());
                } catch (SocketException e) {
                    System.out.printf("[loop] first connection: %s%n", e);
                }
            }
            for (int i = 0; i < 3; i++) {
                roundTrip(port);   // later connections, on the same loop, must still work
            }
            // An interrupted thread's select() returns at once: an idle loop must not spin.
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long loopId = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("chaos-proxy-loop-")).findFirst().orElseThrow().getId();
            long cpuBefore = threads.getThreadCpuTime(loopId);
            Thread.sleep(1000);   // the measured window itself: how much CPU an idle loop burns in one second
            long cpuMillis = (threads.getThreadCpuTime(loopId) - cpuBefore) / 1_000_000;
            System.out.printf("[loop] idle loop used %d ms of CPU in 1 s after a listener interrupted it%n", cpuMillis);
            assertThat(cpuMillis).as("CPU an idle loop burnt in one second").isLessThan(100);
        }
    }

    /** A fault whose stage throws on its second chunk; put behind a latency it is called from a timer. */
    record Exploding() implements TypedFault {
        /** A test's own fault, through the SPI as a user's would; a TypedFault, so unregistered. */
        static final FaultType<Exploding> TYPE = FaultType.dataFault("exploding", Exploding.class, Exploding::stage)
                .make(values -> new Exploding()).build();

        @Override
        public FaultType<?> faultType() {
            return TYPE;
        }

        @Override
        public String type() {
            return "exploding";
        }

        @Override
        public Envelope envelope() {
            return Envelope.DEFAULT.withName("exploding").withDirection(io.chaosproxy.Direction.UPSTREAM);
        }

        @Override
        public Fault withEnvelope(Envelope envelope) {
            return this;
        }

        @Override
        public Map<String, Object> attributes() {
            return Map.of();
        }

        private static Stage stage(Exploding fault, StageContext context) {
            return new Stage() {
                private int chunks;

                @Override
                public void onChunk(Chunk chunk) {
                    if (!chunk.isEnd() && ++chunks == 2) {
                        throw new IllegalStateException("attack: a stage fails");
                    }
                    context.forward(chunk);
                }
            };
        }
    }

    /** The connection must be reset, not go on with a chunk missing or stall with chunks stuck in a stage. */
    @Test
    void aStageThrowingFromATimerResetsItsConnection() throws Exception {
        try (Upstream upstream = echo();
                ChaosProxy proxy = ChaosProxy.builder().eventLoops(1).route(0, upstream.address())
                        .fault(Fault.latency(Duration.ofMillis(20)).direction(io.chaosproxy.Direction.UPSTREAM))
                        .fault(new Exploding()).start();
                Socket client = Attack.connect(proxy.routes().get(0).localPort())) {
            client.setSoTimeout(3000);
            StringBuilder got = new StringBuilder();
            Throwable ended = null;
            try {
                client.getOutputStream().write('a');
                // 'a' reached the upstream, so it was read as a chunk of its own: 'b' is the stage's second chunk
                await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().bytesUpstream() >= 1);
                client.getOutputStream().write('b');
                client.getOutputStream().write('c');   // the reset may already answer this write
                int b;
                while (got.length() < 3 && (b = client.getInputStream().read()) >= 0) {
                    got.append((char) b);
                }
            } catch (Exception e) {
                ended = e;
            }
            System.out.printf("[loop] stage threw on chunk 2: client got \"%s\" then %s%n", got, ended);
            assertThat(ended).as("the connection whose stage failed is reset").isInstanceOf(SocketException.class);
        }
    }

    /**
     * The same stage reached through Route.removeFault, which hands what a latency held to it on the loop: the
     * control call must return normally (only documented exceptions) and the connection must be reset.
     */
    @Test
    void aStageThrowingWhileAFaultIsRemoved() throws Exception {
        try (Upstream upstream = echo();
                ChaosProxy proxy = ChaosProxy.builder().eventLoops(1).route(0, upstream.address()).name("r")
                        .fault(Fault.latency(Duration.ofSeconds(30)).direction(io.chaosproxy.Direction.UPSTREAM)
                                .named("hold"))
                        .fault(new Exploding()).start();
                Socket client = Attack.connect(proxy.route("r").localPort())) {
            client.setSoTimeout(3000);
            Route route = proxy.route("r");
            for (int i = 0; i < 3; i++) {
                client.getOutputStream().write('a' + i);
                long chunks = i + 1;   // one chunk each, all held by the latency: each pins a 64-byte buffer
                await().atMost(Duration.ofSeconds(5)).until(() -> route.metrics().bufferedBytes() >= 64 * chunks);
            }
            RuntimeException thrown = null;
            try {
                proxy.route("r").removeFault("hold");
            } catch (RuntimeException e) {
                thrown = e;
            }
            Throwable ended = null;
            try {
                client.getInputStream().read();
            } catch (Exception e) {
                ended = e;
            }
            System.out.printf("[loop] removeFault threw %s; route faults now %s; client then %s%n", thrown,
                    proxy.route("r").faults(), ended);
            assertThat(thrown).as("removeFault threw what a stage threw").isNull();
            assertThat(ended).as("the connection whose stage failed is reset").isInstanceOf(SocketException.class);
        }
    }
}
