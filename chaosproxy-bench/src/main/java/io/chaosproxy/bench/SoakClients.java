package io.chaosproxy.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    private final ExecutorService threads = Executors.newCachedThreadPool(Transfers.daemons("soak-client"));
    private final AtomicLong ids = new AtomicLong();
    private final List<Future<?>> workers = new ArrayList<>();
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
            workers.add(threads.submit(() -> {
                while (!stopping) {
                    exchange(ids.incrementAndGet(), random);
                }
            }));
        }
    }

    /**
     * Lets each worker finish its connection and start no other; waits up to {@code grace} (hangs are cut by
     * the watchdog before), then for the threads.
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
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(proxy, 10_000);
        } catch (IOException e) {
            // The route is never disabled: a connect that fails is the proxy's failure.
            tally.failure(Tally.Failure.CONNECT_ERROR, "conn " + id + ": " + e);
            Transfers.abort(socket);
            return;
        }
        AtomicLong written = sentCounts.start(id, Flow.UP);
        tally.connectionOpened();
        journal.link(id, socket.getLocalPort());
        OutgoingStream sending = new OutgoingStream(new SeededBytes(SeededBytes.seed(options.seed(), id, Flow.UP)), upload);
        StreamCheck receiving = new StreamCheck(new SeededBytes(SeededBytes.seed(options.seed(), id, Flow.DOWN)), download);
        Activity activity = watchdog.watch(socket, () -> "client side of conn " + id + ": sent " + sending.produced()
                + " of " + sending.total() + " bytes, received " + receiving.describe() + "; " + tally.story(id));
        try {
            Future<Verdict> received = threads.submit(() -> {
                Verdict verdict = Transfers.receive(socket, receiving, activity,
                        () -> sentCounts.written(id, Flow.DOWN));
                if (verdict != Verdict.COMPLETE) {
                    Transfers.abort(socket);   // unblocks the sender
                }
                return verdict;
            });
            byte[] header = new Header(id, upload, download).encode(options.seed());
            boolean sent = Transfers.send(socket, header, sending, random.split(), activity, written);
            Verdict verdict = received.get();
            tally.stream(Flow.DOWN, id, verdict, receiving);
            Transfers.close(socket, sent && verdict == Verdict.COMPLETE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the receiver cannot throw", e);
        } finally {
            Transfers.abort(socket);   // a no-op after a clean close
            watchdog.unwatch(activity);
        }
    }

    /** Up to {@code maxBytes}, small ones more often than large: most of the time, many connections are short. */
    private long size(SplittableRandom random) {
        double u = random.nextDouble();
        return (long) (options.maxBytes() * u * u);
    }
}
