package io.chaosproxy.bench;

import io.chaosproxy.ChaosProxy;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What ProxyBench cannot measure from outside: start and close time, heap per idle connection, allocation
 * per megabyte forwarded, the accuracy of latency and bandwidth faults, what upstream pools cost a connection, and
 * what the journal costs. Run it in a fresh JVM (the first
 * start is part of the result):
 *
 * <pre>java -jar chaosproxy-bench/target/chaosproxy-bench.jar [idleConnections]</pre>
 */
public final class InProcessBench {
    private InProcessBench() {
    }

    public static void main(String[] args) throws Exception {
        int idle = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        System.out.printf("chaos-proxy in-process benchmark, %s %s, %d cores%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
        startAndClose();
        idleHeap(idle);
        allocationPerMegabyte();
        FaultAccuracy.latency();
        FaultAccuracy.bandwidth();
        PoolBench.run();
        JournalCost.run(3000);
    }

    /** A one-route proxy's start() and close(): the first in this JVM, then the median of warm ones. */
    static void startAndClose() throws Exception {
        try (BenchServers upstream = BenchServers.echo()) {
            long first = timeStartClose(upstream);
            long[] warm = new long[300];
            for (int i = 0; i < warm.length; i++) {
                warm[i] = timeStartClose(upstream);
            }
            Arrays.sort(warm);
            System.out.printf("start+close: first %.1f ms, warm median %.2f ms, p90 %.2f ms%n", first / 1e6,
                    warm[warm.length / 2] / 1e6, warm[warm.length * 9 / 10] / 1e6);
        }
    }

    private static long timeStartClose(BenchServers upstream) {
        long start = System.nanoTime();
        ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
        proxy.close();
        return System.nanoTime() - start;
    }

    /**
     * Heap per idle connection: {@code count} connections held open through a route, against the same number
     * held directly in the same run, so the benchmark's own sockets cancel out.
     */
    static void idleHeap(int count) throws Exception {
        long direct;
        try (BenchServers upstream = BenchServers.hold()) {
            direct = heldHeap(count, upstream.port());
        }
        long proxied;
        try (BenchServers upstream = BenchServers.hold()) {
            ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
            try {
                proxied = heldHeap(count, proxy.routes().get(0).localPort());
            } finally {
                upstream.close();   // both ends gone: the proxy's connections end by themselves
                proxy.close();
            }
        }
        System.out.printf("idle connections: %d, heap after GC %.2f KiB each through the proxy"
                + " (%.2f KiB direct, %.2f KiB via proxy; both ends of the benchmark's sockets are in this JVM)%n",
                count, (proxied - direct) / 1024.0 / count, direct / 1024.0 / count, proxied / 1024.0 / count);
    }

    private static long heldHeap(int count, int port) throws Exception {
        long before = usedHeapAfterGc();
        List<Socket> sockets = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                sockets.add(new Socket(InetAddress.getLoopbackAddress(), port));
            }
            Thread.sleep(500);   // let the proxy finish connecting upstream before measuring
            return usedHeapAfterGc() - before;
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Bytes the proxy's loop threads allocate per megabyte they forward, fast path and latency path. */
    static void allocationPerMegabyte() throws Exception {
        long size = 512L << 20;
        try (BenchServers upstream = BenchServers.source();
                ChaosProxy proxy = ChaosProxy.builder()
                        .route(0, upstream.address()).name("plain")
                        .route(0, upstream.address()).name("latency").latency(java.time.Duration.ofMillis(1))
                        .start()) {
            for (String route : new String[] {"plain", "latency"}) {
                download(proxy.route(route).localPort(), size / 4);   // warm up
                long before = LoopAllocation.bytes();
                download(proxy.route(route).localPort(), size);
                long allocated = LoopAllocation.bytes() - before;
                System.out.printf("allocation, route %s: %.1f bytes per MB forwarded (%d bytes for %d MiB)%n",
                        route, allocated / (size / 1e6), allocated, size >> 20);
            }
        }
    }

    static long download(int port, long size) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            new DataOutputStream(socket.getOutputStream()).writeLong(size);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[256 * 1024];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
            }
            if (total != size) {
                throw new IOException("expected " + size + " bytes, got " + total);
            }
            return total;
        }
    }
}
