package io.chaosproxy.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HexFormat;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's upstream: reads each connection's header (which connection, how much each way), then sends the
 * stream the client asked for while it checks the one arriving, both at once, and closes (with an RST if
 * anything failed).
 */
final class SoakUpstream implements AutoCloseable {
    private final SoakOptions options;
    private final Tally tally;
    private final Watchdog watchdog;
    private final SentCounts sentCounts;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(Transfers.daemons("soak-upstream"));
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();

    SoakUpstream(SoakOptions options, Tally tally, Watchdog watchdog, SentCounts sentCounts) {
        this.options = options;
        this.tally = tally;
        this.watchdog = watchdog;
        this.sentCounts = sentCounts;
        try {
            server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::accept);
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                open.add(socket);
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return;   // closed
            }
        }
    }

    private void serve(Socket socket) {
        Side side = new Side(tally);
        Activity activity = watchdog.watch(socket, side::toString);
        try {
            exchange(socket, side, activity);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Transfers.abort(socket);   // a no-op after a clean close
            watchdog.unwatch(activity);
            open.remove(socket);
        }
    }

    private void exchange(Socket socket, Side side, Activity activity) throws InterruptedException {
        Header header = readHeader(socket, activity);
        if (header == null) {
            return;
        }
        long id = header.id();
        OutgoingStream sending = new OutgoingStream(
                new SeededBytes(SeededBytes.seed(options.seed(), id, Flow.DOWN)), header.download());
        StreamCheck receiving = new StreamCheck(
                new SeededBytes(SeededBytes.seed(options.seed(), id, Flow.UP)), header.upload());
        side.started(id, sending, receiving);
        AtomicLong written = sentCounts.start(id, Flow.DOWN);
        Future<Boolean> sent = threads.submit(() -> Transfers.send(socket, new byte[0], sending,
                new SplittableRandom(id ^ options.seed()), activity, written));
        Verdict verdict = Transfers.receive(socket, receiving, activity, () -> sentCounts.written(id, Flow.UP));
        tally.stream(Flow.UP, id, verdict, receiving);
        if (verdict != Verdict.COMPLETE) {
            Transfers.abort(socket);   // unblocks the sender
        }
        try {
            Transfers.close(socket, sent.get() && verdict == Verdict.COMPLETE);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the sender cannot throw", e);
        }
    }

    /** The client's header, or null when there is none to go on (counted, as a failure if it is one). */
    private Header readHeader(Socket socket, Activity activity) {
        byte[] bytes = new byte[Header.LENGTH];
        int arrived = 0;
        boolean error = false;
        try {
            InputStream in = socket.getInputStream();
            int n;
            while (arrived < bytes.length && (n = in.read(bytes, arrived, bytes.length - arrived)) >= 0) {
                arrived += n;
                activity.progress();
            }
        } catch (IOException e) {
            error = true;
        }
        if (!Header.couldBegin(bytes, arrived)) {
            tally.stranger();   // another process's connection to this port, not the soak's
        } else if (arrived == 0) {
            tally.emptyUpstreamConnection();
        } else if (arrived < bytes.length) {
            tally.headerLost(activity.hung() ? Verdict.HUNG : error ? Verdict.CUT : Verdict.SILENT_TRUNCATION,
                    arrived);
        } else {
            Header header = Header.decode(bytes, options.seed());
            if (header == null) {
                tally.failure(Tally.Failure.PREFIX_VIOLATION,
                        Flow.UP + ": a header no client sent: " + HexFormat.of().formatHex(bytes));
            }
            return header;
        }
        return null;
    }

    /** Closes the port, aborts what is left and waits for every thread of the upstream to end. */
    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        open.forEach(Transfers::abort);
        threads.shutdown();
        if (!threads.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("soak upstream: threads still running 10 s after close");
        }
    }

    /** What the watchdog says about this side: set by its thread, read by the watchdog's (stale is fine). */
    private static final class Side {
        private final Tally tally;
        private volatile long id;
        private volatile OutgoingStream sending;
        private volatile StreamCheck receiving;

        Side(Tally tally) {
            this.tally = tally;
        }

        void started(long id, OutgoingStream sending, StreamCheck receiving) {
            this.id = id;
            this.sending = sending;
            this.receiving = receiving;
        }

        @Override
        public String toString() {
            StreamCheck received = receiving;
            if (received == null) {
                return "upstream side (no header yet)";
            }
            return "upstream side of conn " + id + ": received " + received.describe() + ", sent "
                    + sending.produced() + " of " + sending.total() + " bytes; " + tally.story(id);
        }
    }
}
