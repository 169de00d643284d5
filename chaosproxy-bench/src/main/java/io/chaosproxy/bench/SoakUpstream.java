package io.chaosproxy.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.HexFormat;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
    private final ServerSocketChannel server;
    private final ExecutorService threads = Executors.newCachedThreadPool(Soak.daemons("soak-upstream"));
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

    SoakUpstream(SoakOptions options, Tally tally, Watchdog watchdog, SentCounts sentCounts) {
        this.options = options;
        this.tally = tally;
        this.watchdog = watchdog;
        this.sentCounts = sentCounts;
        try {
            server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        threads.execute(this::accept);
    }

    String address() {
        return "127.0.0.1:" + server.socket().getLocalPort();
    }

    private void accept() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                open.add(channel);
                threads.execute(() -> serve(channel));
            } catch (IOException e) {
                return;   // closed
            }
        }
    }

    private void serve(SocketChannel channel) {
        Side side = new Side(tally);
        Activity activity = watchdog.watch(channel, side::toString);
        try (Duplex duplex = new Duplex(channel, activity)) {
            Header header = readHeader(duplex);
            if (header != null) {
                exchange(duplex, header, side);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch the soak's upstream socket", e);
        } finally {
            Duplex.abort(channel);   // a no-op after a clean close
            watchdog.unwatch(activity);
            open.remove(channel);
        }
    }

    private void exchange(Duplex duplex, Header header, Side side) {
        long id = header.id();
        OutgoingStream sending = new OutgoingStream(
                new SeededBytes(SeededBytes.seed(options.seed(), id, Flow.DOWN)), header.download());
        StreamCheck receiving = new StreamCheck(
                new SeededBytes(SeededBytes.seed(options.seed(), id, Flow.UP)), header.upload());
        side.started(id, sending, receiving);
        AtomicLong written = sentCounts.start(id, Flow.DOWN);
        Verdict verdict = duplex.exchange(new byte[0], sending, new SplittableRandom(id ^ options.seed()), written,
                receiving, () -> sentCounts.written(id, Flow.UP));
        tally.stream(Flow.UP, id, verdict, receiving);
        duplex.close(verdict == Verdict.COMPLETE && !duplex.wasReset());
    }

    /** The client's header, or null when there is none to go on (counted, as a failure if it is one). */
    private Header readHeader(Duplex duplex) {
        byte[] bytes = new byte[Header.LENGTH];
        int read = duplex.readFully(bytes);
        int arrived = read < 0 ? -read - 1 : read;
        if (!Header.couldBegin(bytes, arrived)) {
            tally.stranger();   // another process's connection to this port, not the soak's
        } else if (arrived == 0) {
            tally.emptyUpstreamConnection();
        } else if (arrived < bytes.length) {
            tally.headerLost(duplex.hung() ? Verdict.HUNG : read < 0 ? Verdict.CUT : Verdict.SILENT_TRUNCATION,
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
        open.forEach(Duplex::abort);
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
