package io.chaosproxy.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event loops of one proxy: one acceptor, which holds every route's listener, and the workers, which serve
 * connections, spread over them round-robin.
 *
 * <p>The acceptor only accepts and hands over: it runs no user code and never waits, so any thread (a worker
 * running a listener too) may wait for it, and binding or closing a listener is done when the call returns.
 * Workers never wait for each other. A loop that dies of a failure is replaced: new connections go to the new
 * one, and the listeners of a failed acceptor move to the new acceptor.
 */
final class EventLoopGroup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLoopGroup.class);
    private static final AtomicInteger GROUP_IDS = new AtomicInteger();

    private final AtomicReferenceArray<EventLoop> workers;
    private volatile EventLoop acceptor;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger generation = new AtomicInteger();
    private final int group;
    private final int chunkSize;
    private final List<Runnable> acceptorReplaced = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean closed;

    EventLoopGroup(int size, int chunkSize) {
        this.group = GROUP_IDS.incrementAndGet();
        this.chunkSize = chunkSize;
        this.workers = new AtomicReferenceArray<>(size);
        List<EventLoop> made = new ArrayList<>();
        try {
            for (int i = 0; i < size; i++) {
                EventLoop worker = newWorker(i);
                made.add(worker);
                workers.set(i, worker);
            }
            acceptor = newAcceptor();
        } catch (RuntimeException | Error e) {
            made.forEach(EventLoop::shutdown);   // no selector outlives a failed start
            throw e;
        }
    }

    private EventLoop newWorker(int index) {
        EventLoop loop = new EventLoop("chaos-proxy-loop-" + group + "-" + index + replacementSuffix(), chunkSize);
        loop.onDeath(() -> replaceWorker(index, loop));
        return loop;
    }

    private EventLoop newAcceptor() {
        EventLoop loop = new EventLoop("chaos-proxy-accept-" + group + replacementSuffix(), BufferPool.SMALLEST);
        loop.onDeath(() -> replaceAcceptor(loop));
        return loop;
    }

    /** Replacements of failed loops are told apart in thread names: -r1, -r2, ... */
    private String replacementSuffix() {
        int replaced = generation.get();
        return replaced == 0 ? "" : "-r" + replaced;
    }

    /** The number that names this group's threads: {@code chaos-proxy-loop-<name>-<n>}, {@code chaos-proxy-accept-<name>}. */
    String name() {
        return String.valueOf(group);
    }

    /** The worker for the next connection. */
    EventLoop next() {
        return workers.get(Math.floorMod(next.getAndIncrement(), workers.length()));
    }

    /** The loop that holds every listener. */
    EventLoop acceptor() {
        return acceptor;
    }

    /** Runs {@code hook} each time a failed acceptor was replaced, so that listeners can move to the new one. */
    void onAcceptorReplaced(Runnable hook) {
        acceptorReplaced.add(hook);
    }

    private synchronized void replaceWorker(int index, EventLoop dead) {
        if (closed || workers.get(index) != dead) {
            return;
        }
        generation.incrementAndGet();
        try {
            workers.set(index, newWorker(index));
            log.warn("event loop {} replaced after its failure", dead.name());
        } catch (RuntimeException | Error e) {
            log.error("event loop {} failed and cannot be replaced; its share of connections is reset", dead.name(), e);
        }
    }

    private void replaceAcceptor(EventLoop dead) {
        synchronized (this) {
            if (closed || acceptor != dead) {
                return;
            }
            generation.incrementAndGet();
            try {
                acceptor = newAcceptor();
                log.warn("acceptor {} replaced after its failure; listeners move to {}", dead.name(), acceptor.name());
            } catch (RuntimeException | Error e) {
                // The hooks then fail to move the listeners and close them: clients are refused, not left waiting.
                log.error("acceptor {} failed and cannot be replaced; every route is down", dead.name(), e);
            }
        }
        for (Runnable hook : acceptorReplaced) {
            hook.run();
        }
    }

    /**
     * Closes every loop and waits (10 s at most, normally milliseconds) for their threads to end, unless called on
     * a loop. Idempotent; never throws.
     */
    @Override
    public void close() {
        List<EventLoop> loops = new ArrayList<>();
        CompletableFuture<?>[] terminations;
        synchronized (this) {   // a loop replaced meanwhile would otherwise escape the shutdown
            closed = true;
            loops.add(acceptor);
            for (int i = 0; i < workers.length(); i++) {
                loops.add(workers.get(i));
            }
            terminations = new CompletableFuture<?>[loops.size()];
            for (int i = 0; i < loops.size(); i++) {
                terminations[i] = loops.get(i).shutdown();
            }
        }
        if (EventLoop.onAnyLoop()) {
            return;   // no loop waits for a loop (its own ends as soon as this task returns)
        }
        try {
            CompletableFuture.allOf(terminations).get(10, TimeUnit.SECONDS);
            for (EventLoop loop : loops) {
                loop.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("event loops did not end in time", e);
        }
    }
}
