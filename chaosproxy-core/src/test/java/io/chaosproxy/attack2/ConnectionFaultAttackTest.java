package io.chaosproxy.attack2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.fault.Envelope;
import io.chaosproxy.spi.ConnectionContext;
import io.chaosproxy.spi.ConnectionStage;
import io.chaosproxy.spi.FaultType;
import io.chaosproxy.spi.TypedFault;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A connection fault's stage through the SPI, as a user's would be: its factory or timer throwing resets only its
 * connection; its timers never run once the fault is removed or the connection closed.
 */
class ConnectionFaultAttackTest {

    /** A connection fault whose stage the test gives. */
    record Custom(String name, BiFunction<Custom, ConnectionContext, ConnectionStage> stages) implements TypedFault {
        static final FaultType<Custom> TYPE = FaultType.connectionFault("custom", Custom.class,
                (Custom fault, ConnectionContext context) -> fault.stages.apply(fault, context))
                .make(values -> new Custom("custom", (f, c) -> () -> { })).build();

        @Override
        public FaultType<?> faultType() {
            return TYPE;
        }

        @Override
        public String type() {
            return "custom";
        }

        @Override
        public Envelope envelope() {
            return Envelope.DEFAULT.withName(name);
        }

        @Override
        public Fault withEnvelope(Envelope envelope) {
            return new Custom(envelope.name(), stages);
        }

        @Override
        public Map<String, Object> attributes() {
            return Map.of();
        }
    }

    /** An upstream that accepts and keeps every connection open, saying nothing. */
    private static ServerSocket silentUpstream() throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try {
                while (true) {
                    server.accept();   // kept open until the server closes with the test
                }
            } catch (Exception closed) {
                // the test is over
            }
        }, "attack2-silent-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    private static Throwable readEnd(Socket client) {
        try {
            InputStream in = client.getInputStream();
            while (in.read() >= 0) {
                // nothing is sent
            }
            return null;
        } catch (Exception e) {
            return e;
        }
    }

    @Test
    void aStageFactoryThatThrowsResetsTheConnection() throws Exception {
        try (ServerSocket upstream = silentUpstream();
                ChaosProxy proxy = ChaosProxy.builder().route(0, "127.0.0.1:" + upstream.getLocalPort()).name("r")
                        .fault(new Custom("broken", (f, c) -> {
                            throw new IllegalStateException("factory fails on purpose");
                        })).start();
                Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.route("r").localPort())) {
            client.setSoTimeout(5000);
            assertThat(readEnd(client)).as("the connection whose stage failed is reset").isInstanceOf(SocketException.class);
        }
    }

    @Test
    void aTimerThatThrowsResetsOnlyItsConnection() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket upstream = silentUpstream();
                ChaosProxy proxy = ChaosProxy.builder().eventLoops(1)
                        .route(0, "127.0.0.1:" + upstream.getLocalPort()).name("r")
                        .fault(new Custom("bomb", (f, context) -> {
                            boolean first = connections.incrementAndGet() == 1;
                            return () -> {
                                if (first) {
                                    context.newTimer(() -> {
                                        throw new IllegalStateException("timer fails on purpose");
                                    }).armIn(TimeUnit.MILLISECONDS.toNanos(1));
                                }
                            };
                        })).start();
                Socket first = new Socket(InetAddress.getLoopbackAddress(), proxy.route("r").localPort())) {
            first.setSoTimeout(5000);
            await().until(() -> connections.get() == 1);   // the first's stage made: the second's comes next
            try (Socket second = new Socket(InetAddress.getLoopbackAddress(), proxy.route("r").localPort())) {
                assertThat(readEnd(first)).as("the connection whose timer failed is reset")
                        .isInstanceOf(SocketException.class);
                await().until(() -> connections.get() == 2 && proxy.route("r").connections().size() == 1);
            }
        }
    }

    /** Timers run in deadline order on one loop: the witness, later, runs only after the victim had its chance. */
    @Test
    void noTimerRunsOnceItsFaultIsRemovedOrItsConnectionClosed() throws Exception {
        long victimNanos = TimeUnit.MILLISECONDS.toNanos(800);
        AtomicInteger victimRuns = new AtomicInteger();
        CountDownLatch witnessed = new CountDownLatch(1);
        BiFunction<Custom, ConnectionContext, ConnectionStage> victim = (f, context) -> () ->
                context.newTimer(victimRuns::incrementAndGet).armIn(victimNanos);
        BiFunction<Custom, ConnectionContext, ConnectionStage> witness = (f, context) -> () ->
                context.newTimer(witnessed::countDown).armIn(victimNanos + TimeUnit.MILLISECONDS.toNanos(300));
        try (ServerSocket upstream = silentUpstream();
                ChaosProxy proxy = ChaosProxy.builder().eventLoops(1)
                        .route(0, "127.0.0.1:" + upstream.getLocalPort()).name("removed")
                        .fault(new Custom("victim", victim)).fault(new Custom("witness", witness))
                        .route(0, "127.0.0.1:" + upstream.getLocalPort()).name("closed")
                        .fault(new Custom("victim", victim)).start()) {
            Route removed = proxy.route("removed");
            Route closed = proxy.route("closed");
            long start = System.nanoTime();
            try (Socket a = new Socket(InetAddress.getLoopbackAddress(), removed.localPort());
                    Socket b = new Socket(InetAddress.getLoopbackAddress(), closed.localPort())) {
                await().until(() -> removed.connections().size() == 1 && closed.connections().size() == 1);
                removed.removeFault("victim");
                b.setSoLinger(true, 0);   // an RST: the whole connection ends (a FIN would leave it half open)
            }   // b closes: its victim's timer must not run either
            await().until(() -> closed.connections().isEmpty());
            // witnessing from a third connection, which has a witness only, so both victims' deadlines pass first
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), removed.localPort())) {
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                assertThat(elapsedMs).as("set up before the victims' timers were due").isLessThan(700);
                assertThat(witnessed.await(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(victimRuns).as("timers of a removed fault or a closed connection that ran").hasValue(0);
        }
    }
}
