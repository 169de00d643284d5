package io.chaosproxy.attack11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.Sockets;
import io.chaosproxy.TcpServer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Listeners that take the proxy down while health checks run: told of a health change on a probe's thread, or of a
 * connection's trouble on a loop while a probe's thread is busy in a listener of its own.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HealthListenerAttackTest {

    @Test
    void closeFromAHealthListenerStillLetsLiveConnectionsFinish() throws Exception {
        AtomicReference<ChaosProxy> proxyRef = new AtomicReference<>();
        AtomicBoolean fired = new AtomicBoolean();
        CompletableFuture<Boolean> interruptedAfterClose = new CompletableFuture<>();
        AtomicReference<Set<String>> loopsAfterClose = new AtomicReference<>();
        try (TcpServer live = TcpServer.echo(); TcpServer dying = TcpServer.start(socket -> { })) {
            ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(Duration.ofSeconds(10))
                    .listener(event -> {
                        if (event instanceof ChaosEvent.UpstreamHealthChanged changed && !changed.healthy()
                                && fired.compareAndSet(false, true)) {
                            proxyRef.get().close();   // on the probe's thread
                            loopsAfterClose.set(Sockets.proxyThreads().stream()
                                    .filter(name -> name.contains("loop")).collect(Collectors.toSet()));
                            interruptedAfterClose.complete(Thread.currentThread().isInterrupted());
                        }
                    })
                    .route(0, live.address(), dying.address()).name("app")
                    .healthCheck(Duration.ofMillis(100), Duration.ofSeconds(1)).start();
            proxyRef.set(proxy);
            try (proxy; Socket client = Sockets.connect(proxy.route("app").localPort())) {
                assertThat(echo(client, "before")).isEqualTo("before");
                dying.close();
                await().until(fired::get);   // close() is under way: ports refuse, the live connection may finish
                assertThat(echoOrFailure(client, "during")).as("the live connection, during the shutdown timeout")
                        .isEqualTo("during");
                client.shutdownOutput();
                assertThat(client.getInputStream().read()).isEqualTo(-1);
                assertThat(interruptedAfterClose.get(10, TimeUnit.SECONDS))
                        .as("the listener's thread interrupted by close()").isFalse();
                assertThat(loopsAfterClose.get()).as("loop threads when close() returned").isEmpty();
            }
        }
    }

    @Test
    void removeRouteFromAHealthListenerLeavesTheListenersThreadUninterrupted() throws Exception {
        AtomicReference<ChaosProxy> proxyRef = new AtomicReference<>();
        CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
        try (TcpServer live = TcpServer.echo(); TcpServer dying = TcpServer.start(socket -> { })) {
            try (ChaosProxy proxy = ChaosProxy.builder()
                    .listener(event -> {
                        if (event instanceof ChaosEvent.UpstreamHealthChanged changed && !changed.healthy()) {
                            proxyRef.get().removeRoute("app");
                            interruptedAfter.complete(Thread.currentThread().isInterrupted());
                        }
                    })
                    .route(0, live.address(), dying.address()).name("app")
                    .healthCheck(Duration.ofMillis(100), Duration.ofSeconds(1)).start()) {
                proxyRef.set(proxy);
                dying.close();
                // A listener's code after the call must not find a stray interrupt (its next wait would throw).
                assertThat(interruptedAfter.get(10, TimeUnit.SECONDS)).isFalse();
                assertThat(proxy.routes()).isEmpty();
                await().until(() -> Sockets.proxyThreads().stream().noneMatch(name -> name.contains("health")));
            }
        }
    }

    @Test
    void closeFromALoopListenerDoesNotWaitForAHealthListenerThatWaitsForThatLoop() throws Exception {
        AtomicReference<ChaosProxy> proxyRef = new AtomicReference<>();
        CountDownLatch inHealthListener = new CountDownLatch(1);
        CountDownLatch inLoopListener = new CountDownLatch(1);
        CompletableFuture<Long> closeMillis = new CompletableFuture<>();
        try (TcpServer live = TcpServer.echo(); TcpServer dying = TcpServer.start(socket -> { })) {
            ChaosProxy proxy = ChaosProxy.builder().shutdownTimeout(Duration.ZERO)
                    .listener(event -> {
                        if (event instanceof ChaosEvent.UpstreamHealthChanged changed && !changed.healthy()) {
                            // On the probe's thread: cuts the route's connections, which waits for their loop.
                            inHealthListener.countDown();
                            waitFor(inLoopListener);
                            proxyRef.get().route("app").closeConnections();
                        } else if (event instanceof ChaosEvent.ConnectionOpened) {
                            // On the loop: once the health listener waits for this loop, the proxy is closed.
                            inLoopListener.countDown();
                            await().pollDelay(Duration.ofMillis(300)).until(() -> true);
                            long started = System.nanoTime();
                            proxyRef.get().close();
                            closeMillis.complete((System.nanoTime() - started) / 1_000_000);
                        }
                    })
                    .route(0, live.address(), dying.address()).name("app")
                    .healthCheck(Duration.ofMillis(100), Duration.ofSeconds(10)).start();
            proxyRef.set(proxy);
            try (proxy) {
                dying.close();
                waitFor(inHealthListener);
                try (Socket client = Sockets.connect(proxy.route("app").localPort())) {
                    // The loop must not wait for the probe's thread (up to the 10 s health timeout) while that
                    // thread waits for the loop.
                    assertThat(closeMillis.get(20, TimeUnit.SECONDS)).as("close() on the loop, in ms")
                            .isLessThan(2000);
                }
            }
            await().until(() -> Sockets.proxyThreads().isEmpty());
        }
    }

    @Test
    void closeAndRemoveRouteReturnAtOnceWhileAProbeHangsOnABlackhole() throws Exception {
        try (Blackhole hole = Blackhole.start(); TcpServer live = TcpServer.echo()) {
            for (boolean remove : new boolean[] {true, false}) {
                ChaosProxy proxy = ChaosProxy.builder().route(0, live.address(), hole.address()).name("app")
                        .healthCheck(Duration.ofMillis(50), Duration.ofSeconds(20)).start();
                // The blackhole's probe hangs for up to 20 s; give it time to be under way.
                await().pollDelay(Duration.ofMillis(300)).until(() -> true);
                long started = System.nanoTime();
                if (remove) {
                    proxy.removeRoute("app");
                } else {
                    proxy.close();
                }
                long millis = (System.nanoTime() - started) / 1_000_000;
                Set<String> health = Sockets.proxyThreads().stream().filter(name -> name.contains("health"))
                        .collect(Collectors.toSet());
                proxy.close();
                assertThat(millis).as(remove ? "removeRoute" : "close").isLessThan(2000);
                assertThat(health).as("health threads once it returned").isEmpty();
            }
        }
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) {
                throw new AssertionError("latch never opened");
            }
        } catch (InterruptedException e) {
            throw new AssertionError("interrupted while waiting", e);
        }
    }

    /** The echo of {@code text}, or what went wrong instead. */
    static String echoOrFailure(Socket client, String text) {
        try {
            return echo(client, text);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    static String echo(Socket client, String text) throws java.io.IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        client.getOutputStream().write(bytes);
        return new String(client.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }
}
