package io.chaosproxy.junit5.internal;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The chaos-proxy of one class or one test, as JUnit's store holds it: the proxy it started (and so closes), or
 * the routes it added to an enclosing one (and so removes), plus the system properties it set (and so restores).
 * JUnit closes it when the scope ends; closing twice is harmless. A class's proxy may start late: see
 * {@link #deferred}.
 */
@SuppressWarnings("deprecation")   // CloseableResource: 5.10 knows only it; 6.x closes AutoCloseable values too
final class ProxyScope implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private volatile ChaosProxy proxy;                                  // null until a deferred start
    private Supplier<ChaosProxy> pendingStart;                         // guarded by this
    private final boolean owned;
    private final Settings startedBy;
    private final List<String> addedRoutes = new ArrayList<>();          // guarded by this
    private final Set<String> publishedKeys = new LinkedHashSet<>();     // guarded by this
    private final AtomicBoolean closed = new AtomicBoolean();

    ProxyScope(ChaosProxy proxy, boolean owned, Settings startedBy) {
        this.proxy = proxy;
        this.owned = owned;
        this.startedBy = startedBy;
    }

    /**
     * A proxy that starts when first asked for, and then publishes its routes: for a class whose upstream names a
     * {@code ${..}} that the class's own {@code @BeforeAll} sets. A start that fails throws to every caller.
     */
    static ProxyScope deferred(Supplier<ChaosProxy> start, Settings startedBy) {
        ProxyScope scope = new ProxyScope(null, true, startedBy);
        scope.pendingStart = start;
        return scope;
    }

    ChaosProxy proxy() {
        ChaosProxy started = proxy;
        return started != null ? started : startNow();
    }

    /** The proxy if it runs, without starting a deferred one. */
    Optional<ChaosProxy> started() {
        return Optional.ofNullable(proxy);
    }

    private synchronized ChaosProxy startNow() {
        if (proxy == null) {
            if (closed.get()) {
                throw new IllegalStateException("the chaos-proxy scope ended before its proxy started");
            }
            ChaosProxy started = pendingStart.get();
            pendingStart = null;
            proxy = started;
            started.routes().forEach(this::publish);
        }
        return proxy;
    }

    Settings startedBy() {
        return startedBy;
    }

    synchronized void added(Route route) {
        addedRoutes.add(route.name());
    }

    /** Sets {@code chaosproxy.<route>.host/.port/.address} for frameworks that read their config from there. */
    synchronized void publish(Route route) {
        InetAddress address = route.localAddress().getAddress();
        String host = address.getHostAddress();
        String hostInUrl = address instanceof Inet6Address ? "[" + host + "]" : host;
        set("chaosproxy." + route.name() + ".host", host);
        set("chaosproxy." + route.name() + ".port", String.valueOf(route.localPort()));
        set("chaosproxy." + route.name() + ".address", hostInUrl + ":" + route.localPort());
    }

    private void set(String key, String value) {
        PublishedProperties.publish(this, key, value);
        publishedKeys.add(key);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            try {
                if (proxy == null) {
                    // a deferred start that never came: nothing was bound
                } else if (owned) {
                    proxy.close();   // graceful: waits the shutdown timeout, then warns of each connection it cuts
                } else {
                    for (String name : addedRoutes) {
                        try {
                            proxy.removeRoute(name);
                        } catch (NoSuchElementException | IllegalStateException e) {
                            // the test removed it, or the enclosing proxy is closed already: nothing to undo
                        }
                    }
                }
            } finally {
                for (String key : publishedKeys) {
                    PublishedProperties.withdraw(this, key);
                }
            }
        }
    }
}
