package io.chaosproxy.cli.admin;

import com.sun.net.httpserver.HttpServer;
import io.chaosproxy.ChaosProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Toxiproxy's REST API over a running {@link ChaosProxy}, so that any Toxiproxy client can drive it: each
 * Toxiproxy proxy is a route, each toxic a fault. Start it in-process and point the client at it:
 *
 * <pre>{@code
 * try (ChaosProxy proxy = ChaosProxy.builder().allowNoRoutes().start();
 *      AdminServer admin = AdminServer.start(proxy, new InetSocketAddress("127.0.0.1", 0))) {
 *     ToxiproxyClient client = new ToxiproxyClient("127.0.0.1", admin.address().getPort());
 *     Proxy redis = client.createProxy("redis", "127.0.0.1:0", "127.0.0.1:6379");
 * }
 * }</pre>
 *
 * Closing it stops the API only; the proxy is the caller's to close.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    /** Toxiproxy's port, the CLI's default. */
    public static final int DEFAULT_PORT = 8474;
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AdminServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts the admin API on {@code address} (port 0 for an ephemeral one) over {@code proxy}. Unless the system
     * property {@code sun.net.httpserver.nodelay} is set, sets it to {@code true} (without it each call waits
     * 40 ms); it applies to every JDK HTTP server the JVM starts, and only if none started before.
     *
     * @throws IllegalStateException when the address is in use (the message names it)
     * @throws UncheckedIOException  when the server cannot start for another reason
     */
    public static AdminServer start(ChaosProxy proxy, InetSocketAddress address) {
        Objects.requireNonNull(proxy, "proxy");
        Objects.requireNonNull(address, "address");
        if (System.getProperty(NO_DELAY) == null) {
            // The JDK server writes a response's headers and body in two segments. With Nagle's algorithm on, the
            // body waits for the client to acknowledge the headers, which a delayed ACK holds back: 40 ms a call.
            // The server reads this once, when the JVM's first one starts; later servers share the setting.
            System.setProperty(NO_DELAY, "true");
        }
        HttpServer server;
        try {
            server = HttpServer.create(address, 64);
        } catch (BindException e) {
            throw new IllegalStateException("admin address " + address.getHostString() + ":" + address.getPort()
                    + " is already in use; pick another with --admin HOST:PORT, or --no-admin", e);
        } catch (IOException e) {
            throw new UncheckedIOException("admin address " + address + ": " + e.getMessage(), e);
        }
        AtomicInteger threads = new AtomicInteger();
        // A thread per request: a client that stalls mid-body holds only its own (four fixed threads could all be
        // held by four stalled clients, and every other request would wait for good). Loopback unless asked.
        ExecutorService executor = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "chaos-admin-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", new Router(proxy));
        server.start();
        AdminServer admin = new AdminServer(server, executor);
        log.info("chaos-proxy admin API listening={}", admin.address());
        return admin;
    }

    /** Where the API listens, with the real port. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** The base URL of the API, e.g. {@code http://127.0.0.1:8474}. */
    public String url() {
        return "http://" + ProxySpec.listen(address());
    }

    /** Stops the API at once (its port is free when this returns). Calling it again does nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    /** Our version, from the jar's manifest; {@code dev} when run from classes. */
    static String version() {
        String version = AdminServer.class.getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }

    @Override
    public String toString() {
        return closed.get() ? "AdminServer{closed}" : "AdminServer{" + url() + "}";
    }
}
