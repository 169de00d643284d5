package io.chaosproxy.cli.trixter;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Trixter's REST API over the live connections of the Trixter route: list them, change one connection's knobs,
 * shut one or all down. Closing it stops the API only; the proxy is the caller's to close.
 */
public final class TrixterApi implements AutoCloseable {
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TrixterApi(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts the API on {@code address} (port 0 for an ephemeral one).
     *
     * @throws IllegalStateException when the address is in use (the message names it)
     * @throws UncheckedIOException  when the server cannot start for another reason
     */
    static TrixterApi start(TrixterConnections connections, InetSocketAddress address) {
        if (System.getProperty(NO_DELAY) == null) {
            // As for the admin API: without it each answer waits 40 ms for a delayed ACK (see AdminServer).
            System.setProperty(NO_DELAY, "true");
        }
        HttpServer server;
        try {
            server = HttpServer.create(address, 64);
        } catch (BindException e) {
            throw new IllegalStateException("Trixter API address " + address.getHostString() + ":"
                    + address.getPort() + " is already in use; pick another with --api HOST:PORT", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Trixter API address " + address + ": " + e.getMessage(), e);
        }
        AtomicInteger threads = new AtomicInteger();
        // A thread per request, as many as come: a client that stalls mid-request (a body never finished) must
        // not keep the others waiting, as it would with a fixed few; Trixter's async server serves them all.
        ExecutorService executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "trixter-api-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", new TrixterHandler(connections));
        server.start();
        return new TrixterApi(server, executor);
    }

    /** Where the API listens, with the real port. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The base URL of the API, e.g. {@code http://127.0.0.1:8888}. */
    public String url() {
        return "http://" + KnobbedConnection.socketAddress(address());
    }

    /** Stops the API at once (its port is free when this returns). Calling it again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return closed.get() ? "TrixterApi{closed}" : "TrixterApi{" + url() + "}";
    }
}
