package io.chaosproxy.reliability;

import static org.awaitility.Awaitility.await;

import io.chaosproxy.Sockets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What a leak leaves behind, measured as a user would: open file descriptors ({@code /proc/self/fd}), live
 * {@code chaos-proxy*} threads, and the JVM's direct buffer pool.
 *
 * @param fileDescriptors open file descriptors of this process, or -1 where {@code /proc} is absent
 * @param proxyThreads    names of live threads starting with {@code chaos-proxy}
 * @param directBytes     memory used by direct buffers ({@code BufferPoolMXBean "direct"})
 */
public record Resources(long fileDescriptors, Set<String> proxyThreads, long directBytes) {
    private static final Path FD_DIR = Path.of("/proc/self/fd");

    /** Whether file descriptors can be counted here (Linux). */
    public static boolean canCountFileDescriptors() {
        return Files.isDirectory(FD_DIR);
    }

    /** Measures now, after a GC so that buffers nobody references are freed and not counted. */
    public static Resources measure() {
        System.gc();
        return new Resources(openFileDescriptors(), Sockets.proxyThreads(), directMemoryUsed());
    }

    /**
     * Measures once direct memory has stopped shrinking. One {@code System.gc()} is not enough for a baseline:
     * the buffers it finds unreachable are freed afterwards, by the JDK's cleaner thread.
     */
    public static Resources settled() {
        AtomicLong lastSeen = new AtomicLong(-1);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            System.gc();
            long now = directMemoryUsed();
            return lastSeen.getAndSet(now) == now;
        });
        return measure();
    }

    public static long openFileDescriptors() {
        if (!canCountFileDescriptors()) {
            return -1;
        }
        try (Stream<Path> entries = Files.list(FD_DIR)) {
            return entries.count() - 1;   // the directory stream's own descriptor
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long directMemoryUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no direct buffer pool MXBean"));
    }

    @Override
    public String toString() {
        return "fds=" + fileDescriptors + " proxyThreads=" + proxyThreads + " direct=" + Scale.mib(directBytes);
    }
}
