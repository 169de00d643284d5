package io.chaosproxy.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The event loops of one proxy; new connections are spread over them round-robin. */
final class EventLoopGroup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventLoopGroup.class);
    private static final AtomicInteger GROUP_IDS = new AtomicInteger();

    private final EventLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();
    private final int group;

    EventLoopGroup(int size, int chunkSize, int maxRetainedChunks) {
        group = GROUP_IDS.incrementAndGet();
        loops = new EventLoop[size];
        for (int i = 0; i < size; i++) {
            loops[i] = new EventLoop("chaos-proxy-loop-" + group + "-" + i, chunkSize, maxRetainedChunks);
        }
    }

    /** The number that names this group's threads: {@code chaos-proxy-loop-<name>-<n>}. */
    String name() {
        return String.valueOf(group);
    }

    EventLoop next() {
        return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    }

    EventLoop get(int index) {
        return loops[Math.floorMod(index, loops.length)];
    }

    boolean inAnyLoop() {
        for (EventLoop loop : loops) {
            if (loop.inLoop()) {
                return true;
            }
        }
        return false;
    }

    /** Closes every loop and waits (up to a few seconds) for their threads to end. Idempotent. */
    @Override
    public void close() {
        CompletableFuture<?>[] terminations = new CompletableFuture<?>[loops.length];
        for (int i = 0; i < loops.length; i++) {
            terminations[i] = loops[i].shutdown();
        }
        if (inAnyLoop()) {
            return;   // a loop cannot wait for itself; it ends as soon as this task returns
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
