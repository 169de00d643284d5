package io.chaosproxy.attack2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.fault.Envelope;
import io.chaosproxy.spi.Chunk;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import io.chaosproxy.spi.TypedFault;
import io.chaosproxy.spi.Stage;
import io.chaosproxy.spi.StageContext;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Promise 4: a stage that throws, from whichever of its methods, resets its connection and never fails the
 * caller of a control call; listeners still see each connection opened before it is closed.
 */
class StageFailureAttackTest {
    /** Where the stage of {@link Failing} throws. */
    enum Where { NEW_STAGE, FORWARDS_UNCHANGED, ON_START, ON_REMOVE }

    record Failing(Where where, Envelope envelope) implements TypedFault {
        /** A test's own fault, through the SPI as a user's would; a TypedFault, so unregistered. */
        static final FaultType<Failing> TYPE = FaultType.dataFault("failing", Failing.class, Failing::stage)
                .attribute(Attribute.choice("where", java.util.Arrays.stream(Where.values()).map(Enum::name)
                        .map(String::toLowerCase).toList(), (Failing f) -> f.where().name().toLowerCase()))
                .make(values -> new Failing(Where.valueOf(values.choice("where").toUpperCase())))
                .build();

        Failing(Where where) {
            this(where, Envelope.DEFAULT.withName("failing"));
        }

        @Override
        public FaultType<?> faultType() {
            return TYPE;
        }

        @Override
        public String type() {
            return "failing";
        }

        @Override
        public Fault withEnvelope(Envelope newEnvelope) {
            return new Failing(where, newEnvelope);
        }

        @Override
        public Map<String, Object> attributes() {
            return Map.of();
        }

        private static Stage stage(Failing fault, StageContext context) {
            Where where = fault.where();
            if (where == Where.NEW_STAGE) {
                throw new IllegalStateException("attack2: newStage fails");
            }
            return new Stage() {
                @Override
                public void onStart() {
                    if (where == Where.ON_START) {
                        throw new IllegalStateException("attack2: onStart fails");
                    }
                }

                @Override
                public boolean forwardsEveryChunkUnchanged() {
                    if (where == Where.FORWARDS_UNCHANGED) {
                        throw new IllegalStateException("attack2: forwardsEveryChunkUnchanged fails");
                    }
                    return false;
                }

                @Override
                public void onChunk(Chunk chunk) {
                    context.forward(chunk);
                }

                @Override
                public void onRemove() {
                    if (where == Where.ON_REMOVE) {
                        throw new IllegalStateException("attack2: onRemove fails");
                    }
                }
            };
        }
    }

    private static Socket connect(int port) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5000);
        return socket;
    }

    /** How the client's read ended: "reset", "EOF" or "byte" (the connection still works). */
    private static String readOutcome(Socket client) {
        try {
            client.getOutputStream().write(7);
            InputStream in = client.getInputStream();
            return in.read() < 0 ? "EOF" : "byte";
        } catch (SocketException e) {
            return "reset";
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** The fault is on the route from the start: each new connection's stage fails while it is built. */
    @Test
    void aStageFailingOnANewConnectionIsOpenedThenClosedForListeners() throws Exception {
        List<String> problems = new java.util.ArrayList<>();
        for (Where where : List.of(Where.NEW_STAGE, Where.FORWARDS_UNCHANGED, Where.ON_START)) {
            List<String> events = new CopyOnWriteArrayList<>();
            try (Echo echo = new Echo(); ChaosProxy proxy = ChaosProxy.builder().listener(event -> {
                if (event instanceof ChaosEvent.ConnectionOpened opened) {
                    events.add("opened " + opened.connection().id());
                } else if (event instanceof ChaosEvent.ConnectionClosed closed) {
                    events.add("closed " + closed.connection().id());
                }
            }).route(0, echo.address()).name("r").fault(new Failing(where)).start();
                    Socket client = connect(proxy.route("r").localPort())) {
                String outcome = readOutcome(client);
                // ConnectionOpened comes first or not at all: once Closed is seen, the list is final
                await().until(() -> events.contains("closed 1"));
                System.out.printf("[stage] %s on a new connection: client %s, events %s, active %d%n", where, outcome,
                        events, proxy.metrics().activeConnections());
                if (!outcome.equals("reset")) {
                    problems.add(where + ": the client got " + outcome + ", not a reset");
                }
                if (!events.equals(List.of("opened 1", "closed 1"))) {
                    problems.add(where + ": a listener saw " + events);
                }
                await().until(() -> proxy.metrics().activeConnections() == 0);
            }
        }
        assertThat(problems).isEmpty();
    }

    /** The fault is added, then removed, while a connection is live: the calls return; the connection is reset. */
    @Test
    void aStageFailingWhenAddedOrRemovedLiveNeverFailsTheCaller() throws Exception {
        List<String> problems = new java.util.ArrayList<>();
        for (Where where : Where.values()) {
            try (Echo echo = new Echo(); ChaosProxy proxy = ChaosProxy.builder().route(0, echo.address()).name("r")
                    .start(); Socket client = connect(proxy.route("r").localPort())) {
                assertThat(readOutcome(client)).isEqualTo("byte");
                Throwable added = null;
                Throwable removed = null;
                try {
                    proxy.route("r").addFault(new Failing(where));
                } catch (Throwable t) {
                    added = t;
                }
                try {
                    proxy.route("r").removeFault("failing");
                } catch (Throwable t) {
                    removed = t;
                }
                String outcome = readOutcome(client);
                System.out.printf("[stage] %s live: addFault threw %s, removeFault threw %s, client then %s%n", where,
                        added, removed, outcome);
                if (added != null || removed != null || !outcome.equals("reset")) {
                    problems.add(where + ": addFault threw " + added + ", removeFault threw " + removed
                            + ", client then " + outcome);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /** A listener interrupts its thread on every event, with timers (latency) and removals in play. */
    @Test
    void aListenerInterruptingOnEveryEventDoesNotMakeALoopSpin() throws Exception {
        try (Echo echo = new Echo(); ChaosProxy proxy = ChaosProxy.builder().eventLoops(1)
                .listener(event -> Thread.currentThread().interrupt())
                .route(0, echo.address()).name("r").fault(Fault.latency(Duration.ofMillis(5)).named("l"))
                .fault(Fault.slicer(100, 0, Duration.ofMillis(1)).named("s")).start()) {
            for (int i = 0; i < 5; i++) {
                Echo.Result result = Echo.roundTrip(proxy.route("r").localPort(), Echo.payload(i, 2000), 4000);
                assertThat(result.complete()).as("round trip " + i + ": " + result).isTrue();
            }
            proxy.route("r").removeFault("s");
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long loopId = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("chaos-proxy-loop-")).findFirst().orElseThrow().getId();
            long cpuBefore = threads.getThreadCpuTime(loopId);
            Thread.sleep(1000);   // the measured window itself: how much CPU an idle loop burns in one second
            long cpuMillis = (threads.getThreadCpuTime(loopId) - cpuBefore) / 1_000_000;
            System.out.printf("[stage] idle loop used %d ms of CPU in 1 s after listeners interrupted it%n", cpuMillis);
            assertThat(cpuMillis).isLessThan(100);
        }
    }
}
