package io.chaosproxy.bench;

import java.lang.management.ManagementFactory;

/** Sums the bytes allocated so far by every chaos-proxy loop thread of this JVM. */
final class LoopAllocation {
    private LoopAllocation() {
    }

    static long bytes() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("chaos-proxy-loop")) {
                total += threads.getThreadAllocatedBytes(thread.getId());
            }
        }
        return total;
    }
}
