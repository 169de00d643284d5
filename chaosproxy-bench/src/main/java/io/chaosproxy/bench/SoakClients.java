package io.chaosproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's clients: {@code connections} workers, each opening a connection through the proxy, sending and
 * receiving a random amount at once (checking every byte that comes back), closing, and starting again until
 * stopped.
 */
final class SoakClients {
    private final InetSocketAddress proxy;
    private final SoakOptions options;
    private final Tally tally;
    private final Watchdog watchdog;
    private final ProxyJournal journal;
    private final SentCounts sentCounts;
    private final ExecutorService threads = Executors.newCachedThreadPool(Soak.daemons("soak-client"));
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean stopping;

    SoakClients(InetSocketAddress proxy, SoakOptions options, Tally tally, Watchdog watchdog, ProxyJournal journal,
            SentCounts sentCounts) {
        this.proxy = proxy;
        this.options = options;
        this.tally = tally;
        this.watchdog = watchdog;
        this.journal = journal;
        this.sentCounts = sentCounts;
    }

    void start() {
        SplittableRandom seeds = new SplittableRandom(options.seed());
        for (int i = 0; i < options.connections(); i++) {
            SplittableRandom random = seeds.split();
            threads.execute(() -> {
                while (!stopping) {
                    exchange(ids.incrementAndGet(), random);
                }
            });
        }
    }

    /**
     * Lets each worker finish its connection and start no other; waits up to {@code grace} (the watchdog cuts
     * hangs before).
     */
    void stop(Duration grace) throws InterruptedException {
        stopping = true;
        threads.shutdown();
        if (!threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            threads.shutdownNow();
            throw new IllegalStateException("soak clients: still running " + grace.toSeconds() + " s after stop");
        }
    }

    private void exchange(long id, SplittableRandom random) {
        long upload = size(random);
        long download = size(random);
        SocketChannel channel;
        try {
            channel = SocketChannel.open();
        } catch (IOException e) {
            throw new IllegalStateException("no socket for the soak's client", e);
        }
        try {
            channel.socket().setTcpNoDelay(true);
            channel.socket().connect(proxy, 10_000);
        } catch (IOException e) {
            // The route is never disabled: a connect that fails is the proxy's failure.
            tally.failure(Tally.Failure.CONNECT_ERROR, "conn " + id + ": " + e);
            Duplex.abort(channel);
            return;
        }
        tally.connectionOpened();
        journal.link(id, channel.socket().getLocalPort());
        AtomicLong written = sentCounts.start(id, Flow.UP);
        OutgoingStream sending = new OutgoingStream(
                new SeededBytes(SeededBytes.seed(options.seed(), id, Flow.UP)), upload);
        StreamCheck receiving = new StreamCheck(
                new SeededBytes(SeededBytes.seed(options.seed(), id, Flow.DOWN)), download);
        Activity activity = watchdog.watch(channel, () -> "client side of conn " + id + ": sent "
                + sending.produced() + " of " + sending.total() + " bytes, received " + receiving.describe() + "; "
                + tally.story(id));
        try (Duplex duplex = new Duplex(channel, activity)) {
            byte[] header = new Header(id, upload, download).encode(options.seed());
            Verdict verdict = duplex.exchange(header, sending, random.split(), written, receiving,
                    () -> sentCounts.written(id, Flow.DOWN));
            tally.stream(Flow.DOWN, id, verdict, receiving);
            duplex.close(verdict == Verdict.COMPLETE && !duplex.wasReset());
        } catch (IOException e) {
            throw new IllegalStateException("cannot watch the soak's client socket", e);
        } finally {
            Duplex.abort(channel);   // a no-op after a clean close
            watchdog.unwatch(activity);
        }
    }

    /** Up to {@code maxBytes}, small ones more often than large: most of the time, many connections are short. */
    private long size(SplittableRandom random) {
        double u = random.nextDouble();
        return (long) (options.maxBytes() * u * u);
    }
}
