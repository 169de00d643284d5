package io.chaosproxy.internal;

import java.net.InetSocketAddress;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Looks upstream hosts up for routes that resolve on each connection. A lookup blocks (DNS can take seconds),
 * so it runs here, never on an event loop; the answer goes back to the connection's loop. Threads are made on
 * first need and end after a second idle, so a proxy that never resolves late has none. At most
 * {@link #MAX_PENDING} lookups wait; beyond that a connection fails at once as unresolved, and a lookup whose
 * connection closed meanwhile (it timed out, the test closed it) is skipped.
 */
final class UpstreamResolver {
    static final int MAX_PENDING = 256;

    private final ThreadPoolExecutor executor;
    // Every thread made and maybe not yet ended: close() joins them, as the pool's termination comes a moment
    // before its last thread has ended. Ended ones are dropped as new ones come, so it stays small.
    private final java.util.Set<Thread> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();

    UpstreamResolver(String proxyName) {
        AtomicInteger count = new AtomicInteger();
        executor = new ThreadPoolExecutor(2, 2, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(MAX_PENDING), task -> {
            Thread thread = new Thread(task, "chaos-proxy-resolver-" + proxyName + "-" + count.getAndIncrement());
            thread.setDaemon(true);
            threads.removeIf(made -> !made.isAlive() && made.getState() == Thread.State.TERMINATED);
            threads.add(thread);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Resolves {@code upstream} off the loop, then calls back on {@code loop}: the address, or the failure. */
    void resolve(HostPort upstream, EventLoop loop, java.util.function.BooleanSupplier cancelled,
            Consumer<InetSocketAddress> resolved, Consumer<IllegalArgumentException> failed) {
        try {
            executor.execute(() -> {
                if (cancelled.getAsBoolean()) {
                    return;   // its connection is gone: no lookup for nobody
                }
                Runnable answer;
                try {
                    InetSocketAddress address = upstream.resolve();
                    answer = () -> resolved.accept(address);
                } catch (IllegalArgumentException e) {
                    answer = () -> failed.accept(e);
                } catch (RuntimeException e) {   // a security manager, a custom resolver: still an answer
                    IllegalArgumentException unresolved = new IllegalArgumentException(
                            "upstream \"" + upstream + "\": cannot look up " + upstream.host() + ": " + e, e);
                    answer = () -> failed.accept(unresolved);
                }
                try {
                    loop.execute(answer);
                } catch (RejectedExecutionException closed) {
                    // the proxy closed meanwhile, and the connection with it
                }
            });
        } catch (RejectedExecutionException busy) {
            failed.accept(new IllegalArgumentException(executor.isShutdown() ? "the proxy is closing"
                    : "upstream \"" + upstream + "\": " + MAX_PENDING + " lookups are waiting already"));
        }
    }

    /** Stops taking lookups and waits briefly for those under way (a lookup cannot be interrupted). */
    void close() {
        executor.shutdownNow();
        try {
            if (executor.awaitTermination(2, TimeUnit.SECONDS)) {
                for (Thread thread : threads) {
                    thread.join(100);   // ending: its task is done, it is on its way out
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
