package io.chaosproxy.bench;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ProxyMetrics;
import io.chaosproxy.Route;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A soak: many connections at once through a chaos-proxy route whose faults change at random, every byte
 * checked, for minutes. Each connection sends and receives up to a few MiB at once, closes, and the next one
 * starts. A stream that arrives whole must end with the sender's SHA-256 of what arrived; a stream that was cut
 * must be a prefix of what was sent and end in a reset or an error. A clean end short of the whole (a silent
 * truncation), a byte that was not sent, a connection that moves nothing for 30 s (a hang), a control call that
 * throws or a connect that fails makes the soak fail with exit status 1.
 *
 * <pre>java -cp chaosproxy-bench/target/chaosproxy-bench.jar io.chaosproxy.bench.Soak --minutes 1</pre>
 */
public final class Soak {
    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        SoakOptions options;
        try {
            options = SoakOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(SoakOptions.USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(options, System.out).failures() == 0 ? 0 : 1);
    }

    /** Runs a soak, prints its report on {@code out} and returns its figures. */
    static SoakResult run(SoakOptions options, PrintStream out) throws Exception {
        out.printf("chaos-proxy soak: %.1f min, %d connections at once, up to %s each way, seed %d, %s;"
                + " %s %s, %d cores%n", options.duration().toMillis() / 60_000.0, options.connections(),
                Tally.mib(options.maxBytes()), options.seed(), options.cuts() ? "with cuts" : "no cuts",
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        Resources atStart = Resources.now();
        Tally tally = new Tally();
        Resources beforeClose;
        Resources peak;
        ProxyMetrics metrics;
        FaultSchedule schedule;
        double drainSeconds;
        ProxyJournal journal = new ProxyJournal();
        SentCounts sentCounts = new SentCounts();
        try (Watchdog watchdog = new Watchdog(options.hangAfter(), tally)) {
            try (SoakUpstream upstream = new SoakUpstream(options, tally, watchdog, sentCounts);
                    ChaosProxy proxy = ChaosProxy.builder().seed(options.seed()).listener(journal)
                            .route(0, upstream.address()).name("soak").start()) {
                Route route = proxy.route("soak");
                schedule = new FaultSchedule(route, options, tally);
                tally.describeWith(schedule, journal);
                SoakClients clients = new SoakClients(route.localAddress(), options, tally, watchdog, journal,
                        sentCounts);
                schedule.start();
                clients.start();
                runFor(options.duration(), tally, out);
                double endOfRun = tally.seconds();
                schedule.stop();
                route.clearFaults();   // what is still in flight finishes at full speed
                Duration grace = options.hangAfter().plusSeconds(30);
                clients.stop(grace);
                awaitQuiet(watchdog, grace);   // upstream sides may still be reading what the proxy held
                drainSeconds = tally.seconds() - endOfRun;
                metrics = proxy.metrics();
                beforeClose = settled();
            }
            peak = watchdog.peak().max(beforeClose);
        }
        Resources afterClose = afterClose();

        out.printf("ran %.1f s, then %.1f s for the last connections to finish with the faults cleared%n",
                options.duration().toMillis() / 1000.0, drainSeconds);
        tally.print(out);
        schedule.print(out);
        out.printf("proxy: %d connections accepted, %s up, %s down, at most %s held by one direction of one"
                + " connection%n", metrics.acceptedConnections(), Tally.mib(metrics.bytesUpstream()),
                Tally.mib(metrics.bytesDownstream()), Tally.mib(metrics.peakPipeBufferedBytes()));
        out.printf("direct memory (the JVM's \"direct\" pool, also the JDK's socket buffers of the soak's own"
                + " threads; before and after close once a GC freed what nothing holds): peak %s; %s at start,"
                + " %s before close, %s after close%n", Tally.mib(peak.directBytes()),
                Tally.mib(atStart.directBytes()), Tally.mib(beforeClose.directBytes()),
                Tally.mib(afterClose.directBytes()));
        out.printf("threads: %d at start, %d peak, %d before close, %d after close (chaos-proxy threads after close:"
                + " %d)%n", atStart.threads(), peak.threads(), beforeClose.threads(), afterClose.threads(),
                afterClose.proxyThreads());
        out.printf("open fds: %d at start, %d peak, %d before close, %d after close%n", atStart.openFds(),
                peak.openFds(), beforeClose.openFds(), afterClose.openFds());
        out.println(tally.failures() == 0 ? "result: PASS" : "result: FAIL, " + tally.failures() + " failures");
        return new SoakResult(tally.failures(), tally.count(Flow.UP, Verdict.COMPLETE),
                tally.count(Flow.DOWN, Verdict.COMPLETE), tally.count(Flow.UP, Verdict.CUT)
                + tally.count(Flow.DOWN, Verdict.CUT), tally.verifiedBytes(Flow.UP), tally.verifiedBytes(Flow.DOWN),
                afterClose.proxyThreads());
    }

    /** Waits out the soak, a line of progress every 10 s. */
    private static void runFor(Duration duration, Tally tally, PrintStream out) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            Thread.sleep(Math.min(10_000, left / 1_000_000 + 1));
            if (end - System.nanoTime() > 0) {
                out.println(tally.progress());
            }
        }
    }

    private static void awaitQuiet(Watchdog watchdog, Duration grace) throws InterruptedException {
        long end = System.nanoTime() + grace.toNanos();
        while (watchdog.active() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    /** Once the proxy's threads are gone (up to 5 s), and settled. */
    private static Resources afterClose() throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (Resources.now().proxyThreads() > 0 && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return settled();
    }

    /**
     * Once garbage collection has freed the direct buffers nothing holds: their memory goes after a GC, by a
     * cleaner, so wait until a GC frees no more (up to 5 s). What is left is what someone holds.
     */
    private static Resources settled() throws InterruptedException {
        long direct = Long.MAX_VALUE;
        for (int i = 0; i < 10 && Resources.directMemory() < direct; i++) {
            direct = Resources.directMemory();
            System.gc();
            Thread.sleep(500);
        }
        return Resources.now();
    }

    /** Daemon threads named {@code <prefix>-<n>}, so a forgotten one cannot keep the JVM alive. */
    static ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** A soak's figures: streams each way and how they ended, bytes verified, proxy threads left after close. */
    record SoakResult(long failures, long completeUp, long completeDown, long cuts, long verifiedUp,
            long verifiedDown, int proxyThreadsAfterClose) {
    }
}
