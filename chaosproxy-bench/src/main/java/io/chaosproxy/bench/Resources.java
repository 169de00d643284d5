package io.chaosproxy.bench;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What this JVM holds at one moment: direct memory, threads (and how many are the proxy's), open fds. */
record Resources(long directBytes, int threads, int proxyThreads, long openFds) {

    static Resources now() {
        int proxyThreads = (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("chaos-proxy")).count();
        return new Resources(directMemory(), ManagementFactory.getThreadMXBean().getThreadCount(), proxyThreads,
                countOpenFds());
    }

    /** The JVM's "direct" buffer pool: the proxy's buffers and the JDK's temporary socket buffers. */
    static long directMemory() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    }

    /** Entries of /proc/self/fd (the listing's own included), or -1 where there is no /proc. */
    static long countOpenFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    Resources max(Resources other) {
        return new Resources(Math.max(directBytes, other.directBytes), Math.max(threads, other.threads),
                Math.max(proxyThreads, other.proxyThreads), Math.max(openFds, other.openFds));
    }
}
