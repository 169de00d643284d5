package io.chaosproxy.cli;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code CompletableFuture.supplyAsync} with a thread per task. Tests block in their tasks (the CLI's run until
 * stopped, a socket read); on two cores the common pool has a single thread (JDK 25 no longer falls back to a thread
 * per task), and blocking tasks would then wait for each other.
 */
public final class Async {
    private Async() {
    }

    public static <T> CompletableFuture<T> supplyAsync(Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(task.get());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "test-async");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    public static CompletableFuture<Void> runAsync(Runnable task) {
        return supplyAsync(() -> {
            task.run();
            return null;
        });
    }
}
