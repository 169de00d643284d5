package io.chaosproxy.internal;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes each upstream of one route with a TCP connect every interval, on threads of its own (never an event
 * loop's: a probe blocks for up to its timeout); a target failing its probe is marked unhealthy, and healthy again
 * once a probe succeeds. The first probe runs at start. Stops with the route.
 */
final class HealthChecker {
    private final RouteRuntime route;
    private final ScheduledThreadPoolExecutor executor;
    private final Set<Thread> ownThreads = ConcurrentHashMap.newKeySet();   // its own: a listener on one may stop it

    HealthChecker(RouteRuntime route) {
        this.route = route;
        AtomicInteger count = new AtomicInteger();
        // A thread per target: a probe blocks for up to its timeout, and one hanging must not delay another's.
        this.executor = new ScheduledThreadPoolExecutor(route.upstreams().size(), task -> {
            Thread thread = new Thread(task, "chaos-proxy-health-" + route.name() + "-" + count.getAndIncrement());
            thread.setDaemon(true);
            ownThreads.add(thread);
            return thread;
        });
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    void start() {
        long interval = route.config().pool().healthInterval().toNanos();
        for (UpstreamTarget target : route.upstreams()) {
            executor.scheduleWithFixedDelay(() -> probe(target), 0, interval, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Stops probing; waits for a probe under way (its timeout at most), unless called by a probe's own thread or by
     * an event loop.
     */
    void stop() {
        executor.shutdownNow();   // interrupts a probe: its channel closes, the connect ends at once
        if (ownThreads.contains(Thread.currentThread())) {
            // A listener told of a health change closed the proxy or removed the route: the probe returns as soon as
            // it can. shutdownNow() interrupted this thread too; the listener's next wait must not fail for it.
            Thread.interrupted();
            return;
        }
        if (Engine.onAnyLoop()) {
            return;   // a listener on a loop: a probe's thread may be in a listener waiting for that loop
        }
        try {
            executor.awaitTermination(route.config().pool().healthTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void probe(UpstreamTarget target) {
        String verdict;
        boolean healthy;
        long started = System.nanoTime();
        try (SocketChannel channel = SocketChannel.open()) {
            InetSocketAddress address = target.resolved() != null ? target.resolved() : target.address().resolve();
            // The socket adaptor's connect takes a timeout and, the channel being interruptible, ends on stop().
            channel.socket().connect(address, (int) Math.max(1, route.config().pool().healthTimeout().toMillis()));
            healthy = true;
            verdict = "connected in " + (System.nanoTime() - started) / 1_000_000 + "ms";
        } catch (SocketTimeoutException e) {
            healthy = false;
            verdict = "no answer within " + route.config().pool().healthTimeout().toMillis() + "ms";
        } catch (ConnectException e) {
            healthy = false;
            verdict = "refused";
        } catch (IOException | IllegalArgumentException e) {
            healthy = false;
            verdict = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        if (executor.isShutdown()) {
            return;   // stopped meanwhile: an interrupted probe says nothing about the target
        }
        target.health(healthy, verdict);
    }
}
