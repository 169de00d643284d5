package io.chaosproxy.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a proxy closes: every port refuses first, then live connections get up to the shutdown timeout to finish,
 * then the rest are cut and every loop ends. Never throws. From a loop (a listener) nothing waits: a short-lived
 * {@code chaos-proxy-closer} thread does. A second caller waits until the first is done (unless on a loop).
 */
public final class ProxyShutdown {
    // logged as the proxy, which is what users configure and look for
    private static final Logger log = LoggerFactory.getLogger("io.chaosproxy.ChaosProxy");

    private final Engine engine;
    private final Duration timeout;
    private final CountDownLatch done = new CountDownLatch(1);

    public ProxyShutdown(Engine engine, Duration timeout) {
        this.engine = engine;
        this.timeout = timeout;
    }

    /** Closes the proxy; {@code routeNames} are named in the last log line. Called once. */
    public void run(Supplier<List<String>> routeNames) {
        stopAccepting();   // the ports refuse before anything waits
        if (Engine.onAnyLoop()) {
            // A listener, on this proxy's loop or another's: a loop must not wait (for itself, or for a proxy whose
            // listener may be closing this one). A short-lived thread does the waiting.
            Thread closer = new Thread(() -> finish(routeNames), "chaos-proxy-closer-" + engine.name());
            closer.setDaemon(true);
            try {
                closer.start();
            } catch (RuntimeException | Error e) {   // no thread to be had: cut at once, without waiting
                log.error("chaos-proxy: no thread to wait for live connections; cutting them now", e);
                try {
                    engine.closeLoops();
                } finally {
                    done.countDown();
                }
            }
            return;
        }
        finish(routeNames);
    }

    /** Returns once the proxy is closed; at once on a loop, which never waits. */
    public void awaitDone() {
        if (Engine.onAnyLoop()) {
            return;
        }
        try {
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopAccepting() {
        try {
            engine.stopAccepting();
        } catch (RuntimeException | Error e) {
            log.error("chaos-proxy: stopping the listeners failed; closing everything anyway", e);
        }
    }

    /** Lets live connections finish for up to the shutdown timeout, then cuts the rest and ends every loop. */
    private void finish(Supplier<List<String>> routeNames) {
        try {
            awaitThenCloseLoops(routeNames);
        } finally {
            done.countDown();
        }
    }

    private void awaitThenCloseLoops(Supplier<List<String>> routeNames) {
        int left = 0;
        try {
            left = engine.awaitConnections(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("chaos-proxy: stopping failed; closing everything anyway", e);
        } finally {
            try {
                engine.closeLoops();   // whatever happened above, no thread outlives close()
            } catch (RuntimeException | Error e) {
                log.error("chaos-proxy: closing the event loops failed", e);
            }
        }
        if (left > 0) {
            log.warn("chaos-proxy stopped: routes={} connectionsCut={} (still open after the shutdown timeout of {}ms)",
                    routeNames.get(), left, timeout.toMillis());
        } else {
            log.info("chaos-proxy stopped: routes={} connectionsCut=0", routeNames.get());
        }
    }
}
