package io.chaosproxy.attack11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import io.chaosproxy.TcpServer;
import io.chaosproxy.Upstream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The circuit breaker's promise, "then one trial connection decides whether it closes again", against connects
 * that were under way before the breaker opened and end while a trial is: they must neither let a second trial
 * through nor outvote the trial.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BreakerAttackTest {

    @Test
    void anOlderConnectAbandonedDuringATrialLetsNoSecondTrialThrough() throws Exception {
        List<String> states = new CopyOnWriteArrayList<>();
        List<ChaosEvent.NoUpstream> noUpstream = new CopyOnWriteArrayList<>();
        try (Blackhole hole = Blackhole.start();
                ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(Duration.ZERO)
                        .listener(event -> record(event, states, noUpstream))
                        .route(0, hole.address()).name("app")
                        .connectTimeout(Duration.ofSeconds(3)).circuitBreaker(1, Duration.ofMillis(100)).start()) {
            Route app = proxy.route("app");
            Upstream target = app.upstreams().get(0);
            try (Socket first = Sockets.connect(app.localPort())) {
                await().until(() -> target.activeConnections() == 1);
                await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
                try (Socket older = Sockets.connect(app.localPort())) {
                    await().until(() -> target.activeConnections() == 2);
                    // The first times out at 3 s: the breaker opens; the older one still connects until 4 s.
                    await().atMost(Duration.ofSeconds(5)).until(() -> states.contains("open"));
                    await().pollDelay(Duration.ofMillis(200)).until(() -> true);
                    try (Socket trial = Sockets.connect(app.localPort())) {
                        await().until(() -> states.contains("half_open"));
                        assertThat(target.activeConnections()).isEqualTo(2);   // the older one and the trial
                        connectionOf(app, older).close();   // before its connect is decided
                        await().until(() -> target.activeConnections() == 1);

                        // The trial is still under way: the next client must skip the target, not be a second trial.
                        int before = noUpstream.size();   // the first client's, which timed out
                        try (Socket next = Sockets.connect(app.localPort())) {
                            assertThat(readWithin(next, Duration.ofSeconds(2)))
                                    .as("the next client is closed at once, not held as a second trial, " + states)
                                    .isEqualTo(-1);
                        }
                        await().until(() -> noUpstream.size() == before + 1);
                        assertThat(noUpstream.get(before).tried()).as("the next client tried nothing").isEmpty();
                        assertThat(states).containsExactly("open", "half_open");
                        assertThat(target.activeConnections()).isEqualTo(1);
                    }
                }
            }
        }
    }

    @Test
    void anOlderConnectFailingDuringATrialDoesNotOutvoteTheTrial() throws Exception {
        List<String> states = new CopyOnWriteArrayList<>();
        try (Blackhole hole = Blackhole.start();
                ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(Duration.ZERO)
                        .listener(event -> record(event, states, new ArrayList<>()))
                        .route(0, hole.address()).name("app")
                        .connectTimeout(Duration.ofMillis(2500)).circuitBreaker(1, Duration.ofMillis(100)).start()) {
            Route app = proxy.route("app");
            Upstream target = app.upstreams().get(0);
            try (Socket first = Sockets.connect(app.localPort())) {
                await().until(() -> target.activeConnections() == 1);
                await().pollDelay(Duration.ofMillis(300)).until(() -> true);
                try (Socket older = Sockets.connect(app.localPort())) {
                    await().until(() -> target.activeConnections() == 2);
                    await().atMost(Duration.ofSeconds(4)).until(() -> states.contains("open"));   // the first, at 2.5 s
                    await().pollDelay(Duration.ofMillis(150)).until(() -> true);
                    try (Socket trial = Sockets.connect(app.localPort())) {
                        await().until(() -> states.contains("half_open"));
                        // The older connect times out (at 2.8 s) while the trial's SYN waits for its retransmission.
                        await().atMost(Duration.ofSeconds(2)).until(() -> target.connectFailures() == 2);
                        hole.open();   // the trial's next SYN (1 s after its first) gets through
                        try (Socket accepted = hole.accept()) {
                            accepted.getOutputStream().write("up".getBytes(StandardCharsets.UTF_8));
                            byte[] answer = trial.getInputStream().readNBytes(2);
                            assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("up");
                            assertThat(target.connectionsTotal()).isEqualTo(1);
                            // The trial connected: the breaker closes, whatever the older connect's failure said.
                            assertThat(target.breakerOpen()).as("breaker open after " + states).isFalse();
                            assertThat(states).containsExactly("open", "half_open", "closed");
                        }
                    }
                }
            }
        }
    }

    @Test
    void manyParallelClientsOnTwoLoopsAgainstADeadTargetAreAllServedAndCountsEndAtZero() throws Exception {
        String dead = Ports.dead();
        List<String> states = new CopyOnWriteArrayList<>();
        int clients = 400;
        try (TcpServer live = TcpServer.start(socket -> {
                    socket.getOutputStream().write('L');
                    socket.shutdownOutput();
                    socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                });
                ChaosProxy proxy = ChaosProxy.builder().eventLoops(2)
                        .listener(event -> record(event, states, new ArrayList<>()))
                        .route(0, dead, live.address()).name("app")
                        .circuitBreaker(3, Duration.ofMillis(20)).start()) {
            Route app = proxy.route("app");
            Upstream deadTarget = app.upstream(dead);
            AtomicInteger served = new AtomicInteger();
            AtomicInteger lowest = new AtomicInteger();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = new Thread(() -> {
                while (watching.get()) {
                    for (Upstream upstream : app.upstreams()) {
                        lowest.accumulateAndGet(upstream.activeConnections(), Math::min);
                    }
                    Thread.onSpinWait();
                }
            });
            watcher.start();
            ExecutorService pool = Executors.newFixedThreadPool(32);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    futures.add(pool.submit(() -> {
                        try (Socket client = Sockets.connect(app.localPort())) {
                            if (client.getInputStream().read() == 'L') {
                                served.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
            } finally {
                pool.shutdownNow();
                watching.set(false);
                watcher.join();
            }
            assertThat(served.get()).as("every client reached the live target").isEqualTo(clients);
            await().until(() -> app.upstreams().stream().allMatch(u -> u.activeConnections() == 0));
            assertThat(lowest.get()).as("no count ever below zero").isZero();
            // Every half-open state is decided (open or closed) before the next one: one trial at a time.
            String last = "closed";
            for (String state : states) {
                if (state.equals("half_open")) {
                    assertThat(last).as("a trial while another is under way, in " + states).isNotEqualTo("half_open");
                }
                last = state;
            }
            assertThat(deadTarget.connectionsTotal()).isZero();
            assertThat(deadTarget.metrics().breakerOpenings()).isPositive();
        }
    }

    /** The first byte read, -1 at the end of the stream, or -2 when nothing came within {@code limit}. */
    static int readWithin(Socket socket, Duration limit) throws IOException {
        socket.setSoTimeout((int) limit.toMillis());
        try {
            return socket.getInputStream().read();
        } catch (java.net.SocketTimeoutException e) {
            return -2;
        }
    }

    private static void record(ChaosEvent event, List<String> states, List<ChaosEvent.NoUpstream> noUpstream) {
        if (event instanceof ChaosEvent.CircuitBreakerChanged changed) {
            states.add(changed.state());
        } else if (event instanceof ChaosEvent.NoUpstream none) {
            noUpstream.add(none);
        }
    }

    /** The proxy's connection of the client {@code socket}. */
    static ChaosConnection connectionOf(Route route, Socket socket) {
        return route.connections().stream()
                .filter(c -> c.clientAddress().getPort() == socket.getLocalPort())
                .findFirst().orElseThrow();
    }
}
