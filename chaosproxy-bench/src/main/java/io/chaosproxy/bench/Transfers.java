package io.chaosproxy.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** Moves soak streams over blocking sockets: send one, receive and check one, end a connection cleanly or with an RST. */
final class Transfers {
    private static final int MAX_WRITE = 32 * 1024;

    private Transfers() {
    }

    /**
     * Writes {@code header} (may be empty), then the whole stream in pieces of random size (counting in
     * {@code written} what each write accepted), then half-closes; false if the socket failed first. The
     * sender never ends a stream early with a FIN: a clean end short of the whole is always the proxy's doing.
     */
    static boolean send(Socket socket, byte[] header, OutgoingStream stream, SplittableRandom sizes,
            Activity activity, AtomicLong written) {
        byte[] buffer = new byte[MAX_WRITE];
        try {
            OutputStream out = socket.getOutputStream();
            out.write(header);
            int n;
            while ((n = stream.next(buffer, 1 + sizes.nextInt(sizes.nextInt(4) == 0 ? 512 : MAX_WRITE))) > 0) {
                out.write(buffer, 0, n);
                written.addAndGet(n);
                activity.progress();
            }
            socket.shutdownOutput();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads until the stream ends, checking each byte; a stream that fails the check is aborted at once. At a
     * clean end, asks {@code senderWritten} how much the sender had written by then.
     */
    static Verdict receive(Socket socket, StreamCheck check, Activity activity, LongSupplier senderWritten) {
        byte[] buffer = new byte[32 * 1024];
        Verdict verdict;
        try {
            InputStream in = socket.getInputStream();
            int n;
            verdict = null;
            while (verdict == null && (n = in.read(buffer)) >= 0) {
                activity.progress();
                if (!check.accept(buffer, 0, n)) {
                    verdict = Verdict.PREFIX_VIOLATION;
                }
            }
            if (verdict == null) {
                verdict = check.endedCleanly(senderWritten.getAsLong());
            }
        } catch (IOException e) {
            verdict = check.endedWithError();
        }
        return activity.hung() ? Verdict.HUNG : verdict;
    }

    /** Closes with a FIN when the exchange went well, else with an RST, so the other side sees the failure. */
    static void close(Socket socket, boolean clean) {
        if (clean) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do: the exchange was already judged
            }
        } else {
            abort(socket);
        }
    }

    /** Closes with an RST ({@code SO_LINGER 0}); harmless on a socket already closed. */
    static void abort(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
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
}
