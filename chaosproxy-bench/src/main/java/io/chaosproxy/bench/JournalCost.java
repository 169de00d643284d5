package io.chaosproxy.bench;

import io.chaosproxy.ChaosProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;

/**
 * What the journal costs: two proxies in one JVM, one with the default journal and one without ({@code
 * journalSize(0)}), take turns serving short connections (connect, 16 bytes each way, close: two entries each).
 * Compared: connections per second, and the CPU time and bytes the loop threads spend per connection, the
 * difference divided by the entries made; then the heap a full journal keeps per entry.
 *
 * <pre>java -cp chaosproxy-bench/target/chaosproxy-bench.jar io.chaosproxy.bench.JournalCost [connectionsPerRound]</pre>
 */
public final class JournalCost {
    private static final int ROUNDS = 6;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private JournalCost() {
    }

    public static void main(String[] args) throws Exception {
        run(args.length > 0 ? Integer.parseInt(args[0]) : 3000);
    }

    static void run(int perRound) throws Exception {
        try (BenchServers upstream = BenchServers.echo();
                ChaosProxy with = ChaosProxy.builder().eventLoops(1).route(0, upstream.address()).start();
                ChaosProxy without = ChaosProxy.builder().eventLoops(1).journalSize(0).route(0, upstream.address())
                        .start()) {
            round(with, perRound);   // warm-up
            round(without, perRound);
            Round sumWith = new Round(0, 0, 0);
            Round sumWithout = new Round(0, 0, 0);
            StringBuilder perRoundCpu = new StringBuilder();
            double[] cpuPerEntry = new double[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {   // interleaved, so that drift of the machine hits both alike
                Round a = round(with, perRound);
                Round b = round(without, perRound);
                sumWith = sumWith.plus(a);
                sumWithout = sumWithout.plus(b);
                cpuPerEntry[i] = (a.cpuNanos - b.cpuNanos) / (2.0 * perRound);
                perRoundCpu.append(String.format(" %.0f/%.0f", a.cpuNanos / 1e3 / perRound, b.cpuNanos / 1e3 / perRound));
            }
            long connections = (long) ROUNDS * perRound;
            long entries = 2 * connections;
            double rateWith = connections / (sumWith.wallNanos / 1e9);
            double rateWithout = connections / (sumWithout.wallNanos / 1e9);
            System.out.printf("journal: connect+16 B each way+close, %d connections per proxy in %d interleaved"
                    + " rounds (after %d warm-up each): %.0f/s with the journal, %.0f/s without, ratio %.3f%n",
                    connections, ROUNDS, perRound, rateWith, rateWithout, rateWith / rateWithout);
            java.util.Arrays.sort(cpuPerEntry);
            System.out.printf("journal: per entry on the loop thread %.0f ns CPU (median of the rounds' differences;"
                    + " their spread is the machine's noise, see below) and %.0f bytes allocated"
                    + " (loop per connection: %.1f vs %.1f µs CPU, %.0f vs %.0f bytes allocated)%n",
                    cpuPerEntry[ROUNDS / 2],
                    (sumWith.allocated - sumWithout.allocated) / (double) entries,
                    sumWith.cpuNanos / 1e3 / connections, sumWithout.cpuNanos / 1e3 / connections,
                    sumWith.allocated / (double) connections, sumWithout.allocated / (double) connections);
            System.out.println("journal: loop CPU µs per connection by round, with/without:" + perRoundCpu);
        }
        retainedPerEntry(20_000);
    }

    /**
     * Heap after GC kept per entry of a full journal: the heap that {@code n} connections leave behind through a
     * proxy with a journal of {@code size} entries, less what as many leave through one without (the benchmark's
     * upstream keeps its sockets), after a warm-up of both; plus the ring's 4-byte slot, allocated at start.
     */
    static void retainedPerEntry(int size) throws Exception {
        int n = size / 2 - size / 20;
        try (BenchServers upstreamWith = BenchServers.echo();
                BenchServers upstreamWithout = BenchServers.echo();
                ChaosProxy with = ChaosProxy.builder().journalSize(size).route(0, upstreamWith.address()).start();
                ChaosProxy without = ChaosProxy.builder().journalSize(0).route(0, upstreamWithout.address()).start()) {
            connections(with, size / 20);
            connections(without, size / 20);
            awaitEntries(with, size / 10);
            long h0 = usedHeapAfterGc();
            connections(without, n);
            long h1 = usedHeapAfterGc();
            connections(with, n);
            awaitEntries(with, size);
            long h2 = usedHeapAfterGc();
            double perEntry = ((h2 - h1) - (h1 - h0)) / (2.0 * n) + 4;
            System.out.printf("journal: heap kept per entry %.0f bytes (a full journal of %d entries: %.2f MiB;"
                    + " the default 4096: %.2f MiB)%n", perEntry, size, perEntry * size / 1048576.0,
                    perEntry * 4096 / 1048576.0);
        }
    }

    private static void awaitEntries(ChaosProxy proxy, long entries) throws InterruptedException {
        while (proxy.journal().mark() < entries) {
            Thread.sleep(10);
        }
    }

    private record Round(long wallNanos, long cpuNanos, long allocated) {
        Round plus(Round other) {
            return new Round(wallNanos + other.wallNanos, cpuNanos + other.cpuNanos, allocated + other.allocated);
        }
    }

    private static Round round(ChaosProxy proxy, int count) throws Exception {
        long cpu = loopCpu();
        long allocated = LoopAllocation.bytes();
        long start = System.nanoTime();
        connections(proxy, count);
        while (proxy.metrics().activeConnections() > 0) {
            Thread.onSpinWait();
        }
        return new Round(System.nanoTime() - start, loopCpu() - cpu, LoopAllocation.bytes() - allocated);
    }

    private static void connections(ChaosProxy proxy, int count) throws IOException {
        byte[] message = new byte[16];
        int port = proxy.routes().get(0).localPort();
        for (int i = 0; i < count; i++) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = socket.getOutputStream();
                out.write(message);
                socket.shutdownOutput();
                InputStream in = socket.getInputStream();
                if (in.readAllBytes().length != message.length) {
                    throw new IOException("short echo");
                }
            }
        }
    }

    /** CPU time of every chaos-proxy loop thread of this JVM (acceptors too). */
    private static long loopCpu() {
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("chaos-proxy-loop")) {
                total += THREADS.getThreadCpuTime(thread.getId());
            }
        }
        return total;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
