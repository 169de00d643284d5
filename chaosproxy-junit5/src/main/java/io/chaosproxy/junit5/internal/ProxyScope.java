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
import java.util.function.Function;
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
    private Function<ProxyScope, ChaosProxy> pendingStart;             // guarded by this
    private Class<?> testClass;                                         // a deferred start's, guarded by this
    private final boolean owned;
    private final Settings startedBy;
    private final List<String> addedRoutes = new ArrayList<>();          // guarded by this
    private ChaosProxy addedTo;                                          // the proxy they went to, guarded by this
    private final Set<String> publishedKeys = new LinkedHashSet<>();     // guarded by this
    private final AtomicBoolean closed = new AtomicBoolean();

    ProxyScope(ChaosProxy proxy, boolean owned, Settings startedBy) {
        this.proxy = proxy;
        this.owned = owned;
        this.startedBy = startedBy;
    }

    /**
     * A proxy that starts when first asked for: for a class whose upstream names a {@code ${..}} that the class's
     * own {@code @BeforeAll} or static initializer sets. {@code start} starts the proxy (or, not {@code owned}, adds
     * routes to an enclosing one) and publishes the routes through the scope it is given. A start that fails
     * throws to every caller.
     */
    static ProxyScope deferred(Function<ProxyScope, ChaosProxy> start, Class<?> testClass, boolean owned,
            Settings startedBy) {
        ProxyScope scope = new ProxyScope(null, owned, startedBy);
        scope.pendingStart = start;
        scope.testClass = testClass;
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
            initialize(testClass);
            proxy = pendingStart.apply(this);
            pendingStart = null;
        }
        return proxy;
    }

    /**
     * Runs the class's static initializer, which may set the {@code ${..}}: JUnit resolves a {@code @BeforeAll}'s
     * parameters and makes the first instance (where this start happens) before anything has run it.
     */
    private static void initialize(Class<?> testClass) {
        try {
            Class.forName(testClass.getName(), true, testClass.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);   // it is loaded already
        }
    }

    Settings startedBy() {
        return startedBy;
    }

    synchronized void added(ChaosProxy to, Route route) {
        addedTo = to;
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
        if (closed.compareAndSet(false, true)) {
            undo();
        }
    }

    /** Closes the proxy it started or removes the routes it added, and withdraws the properties it set. */
    synchronized void undo() {
        try {
            if (owned && proxy != null) {
                proxy.close();   // graceful: waits the shutdown timeout, then warns of each connection it cuts
            } else {   // routes added to an enclosing proxy, or a deferred start that never came (nothing bound)
                for (String name : addedRoutes) {
                    try {
                        addedTo.removeRoute(name);
                    } catch (NoSuchElementException | IllegalStateException e) {
                        // the test removed it, or the enclosing proxy is closed already: nothing to undo
                    }
                }
                addedRoutes.clear();
            }
        } finally {
            for (String key : publishedKeys) {
                PublishedProperties.withdraw(this, key);
            }
            publishedKeys.clear();
        }
    }
}
