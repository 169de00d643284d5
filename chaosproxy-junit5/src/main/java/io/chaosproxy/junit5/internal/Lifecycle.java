package io.chaosproxy.junit5.internal;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.DuplicateException;
import io.chaosproxy.DuplicateException.Kind;
import io.chaosproxy.Route;
import io.chaosproxy.RouteBuilder;
import io.chaosproxy.Upstream;
import io.chaosproxy.junit5.ChaosProxyExtension;
import io.chaosproxy.junit5.ChaosRoute;
import io.chaosproxy.junit5.ChaosSeed;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link ChaosProxyExtension} does at each point of a test's life. Stateless: every running proxy lives in
 * a {@link ProxyScope} in the store of the context it belongs to, keyed by that context's unique id, so classes
 * and methods running in parallel share nothing.
 */
public final class Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(ChaosProxyExtension.class);
    private static final Namespace NAMESPACE = Namespace.create(ChaosProxyExtension.class);
    static final String SEED_PROPERTY = "chaosproxy.seed";
    private static final String SCHEDULES = "schedules@";

    private Lifecycle() {
    }

    /** Starts the class's proxy, or adds a {@code @Nested} class's routes to the enclosing one. */
    public static void beforeAll(ExtensionContext context, Settings settings) {
        Class<?> testClass = context.getRequiredTestClass();
        if (!active(testClass, settings)) {
            return;
        }
        List<RouteSpec> specs = new ArrayList<>(Annotations.routes(testClass));
        if (settings != Settings.DECLARATIVE && !specs.isEmpty()) {
            throw new ExtensionConfigurationException("@ChaosRoute on " + Annotations.describe(testClass)
                    + ": the class also registers a ChaosProxyExtension field; declare its routes in one place,"
                    + " the annotations or the extension's builder");
        }
        ProxyScope already = context.getStore(NAMESPACE).get(key(context), ProxyScope.class);
        if (already != null && already.startedBy() == settings) {
            return;   // started already, before a PER_CLASS test instance was made (see beforeInstance)
        }
        Optional<ProxyScope> enclosing = nearest(context.getParent());
        boolean startedAbove = enclosing.isPresent() && enclosing.get().startedBy() == settings;
        if (!startedAbove) {
            specs.addAll(settings.routes());
        }
        if (specs.isEmpty()) {
            return;
        }
        if (enclosing.isPresent()) {
            ProxyScope outer = enclosing.get();
            try {
                List<List<String>> upstreams = resolveUpstreams(specs, false, null, true);
                ProxyScope scope = store(context, new ProxyScope(outer.proxy(), false, settings));
                addAll(outer.proxy(), scope, specs, upstreams);
            } catch (Placeholders.Unset e) {
                // A @Nested class that sets its own ${..}: its routes join the enclosing proxy at the first use.
                store(context, ProxyScope.deferred(scope -> {
                    List<List<String>> upstreams = resolveUpstreams(specs, false, null);
                    addAll(outer.proxy(), scope, specs, upstreams);
                    return outer.proxy();
                }, testClass, false, settings));
            }
            return;
        }
        Long seed = seed(testClass, settings, null);
        List<List<String>> upstreams;
        try {
            upstreams = resolveUpstreams(specs, false, null, true);
        } catch (Placeholders.Unset e) {
            // The class sets it itself (a @BeforeAll that starts the upstream): start at the first use instead,
            // a Route or ChaosProxy parameter, the test instance or the first test, whichever comes first.
            store(context, ProxyScope.deferred(scope -> {
                ChaosProxy proxy = start(specs, resolveUpstreams(specs, false, null), seed, settings);
                proxy.routes().forEach(scope::publish);
                return proxy;
            }, testClass, true, settings));
            return;
        }
        ProxyScope scope = store(context, new ProxyScope(start(specs, upstreams, seed, settings), true, settings));
        scope.proxy().routes().forEach(scope::publish);
    }

    /**
     * With {@code @TestInstance(PER_CLASS)} JUnit makes the test instance before the before-all callbacks: the
     * class's proxy starts here then, so that a constructor can take a {@code ChaosProxy} or {@code Route}.
     */
    public static void beforeInstance(ExtensionContext context, Settings settings) {
        if (!active(context.getRequiredTestClass(), settings)) {
            return;
        }
        // A deferred class proxy starts before the instance is made, for the frameworks that read its system
        // properties when they set the instance up (Spring's test context).
        nearest(Optional.of(context)).filter(scope -> scope.startedBy() == settings).ifPresent(ProxyScope::proxy);
        if (context.getTestInstanceLifecycle().orElse(null) == org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS
                && context.getTestMethod().isEmpty() && constructorTakesProxyOrRoute(context.getRequiredTestClass())) {
            // Only then: otherwise the upstream suppliers wait for beforeAll, after the extensions that start
            // what they read (a Testcontainers container) have run.
            beforeAll(context, settings);
        }
    }

    private static boolean constructorTakesProxyOrRoute(Class<?> testClass) {
        for (java.lang.reflect.Constructor<?> constructor : testClass.getDeclaredConstructors()) {
            for (Class<?> type : constructor.getParameterTypes()) {
                if (type == io.chaosproxy.ChaosProxy.class || type == io.chaosproxy.Route.class) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Adds the method's routes (or overrides a class route's faults), or starts a proxy for this test alone. */
    public static void beforeEach(ExtensionContext context, Settings settings) {
        Class<?> testClass = context.getRequiredTestClass();
        if (!active(testClass, settings)) {
            return;
        }
        Method method = context.getRequiredTestMethod();
        List<RouteSpec> specs = new ArrayList<>();
        Optional<ProxyScope> enclosing = nearest(context.getParent());
        // Where the journal stands as the test begins: a failure shows what the proxy did from here on.
        enclosing.flatMap(ProxyScope::started).ifPresent(proxy -> context.getStore(NAMESPACE)
                .put(markKey(context), new FailureJournal.Mark(proxy, proxy.journal().mark())));
        boolean perTest = settings != Settings.DECLARATIVE
                && enclosing.map(scope -> scope.startedBy() != settings).orElse(true);
        if (perTest) {
            specs.addAll(settings.routes());   // an instance field: a proxy per test
        }
        specs.addAll(Annotations.routes(method));
        Optional<ChaosSeed> methodSeed = AnnotationSupport.findAnnotation(method, ChaosSeed.class);
        if (enclosing.isPresent() && !perTest) {
            ChaosProxy proxy = enclosing.get().proxy();
            if (specs.isEmpty()) {
                checkSeed(methodSeed, proxy, method);
                playSchedules(context);
                return;
            }
            checkSeed(methodSeed, proxy, method);
            List<List<String>> upstreams = resolveUpstreams(specs, true, proxy);
            ProxyScope scope = store(context, new ProxyScope(proxy, false, settings));
            List<Route> classRoutes = proxy.routes();   // a method route overrides these, never another method route
            Set<String> overridden = new HashSet<>();
            for (int i = 0; i < specs.size(); i++) {
                RouteSpec spec = specs.get(i);
                Route existing = spec.name() == null ? null : find(classRoutes, spec.name());
                if (existing != null) {
                    if (!overridden.add(spec.name())) {
                        // Not a clash the proxy could see (no route is added): a second override would silently win.
                        throw new ExtensionConfigurationException(declaredTwice(spec, Kind.ROUTE_NAME, spec.name()));
                    }
                    override(existing, spec, upstreams.get(i));
                } else {
                    add(scope, spec, upstreams.get(i));
                }
            }
        } else if (!specs.isEmpty()) {
            List<List<String>> upstreams = resolveUpstreams(specs, false, null);
            Long seed = seed(method, settings, testClass);
            store(context, new ProxyScope(start(specs, upstreams, seed, settings), true, settings));
        }
        playSchedules(context);
    }

    /** Plays the test's {@code @ChaosSchedule}s, kept in its store until afterEach. */
    private static void playSchedules(ExtensionContext context) {
        Schedules played = Schedules.play(context, nearest(Optional.of(context)).map(ProxyScope::proxy).orElse(null));
        if (played != null) {
            context.getStore(NAMESPACE).put(SCHEDULES + context.getUniqueId(), played);
        }
    }

    private static void checkSeed(Optional<ChaosSeed> methodSeed, ChaosProxy proxy, Method method) {
        if (methodSeed.isPresent() && methodSeed.get().value() != proxy.seed()) {
            throw new ExtensionConfigurationException("@ChaosSeed on " + Annotations.describe(method)
                    + ": the class's proxy runs with seed " + proxy.seed() + " already; put @ChaosSeed("
                    + methodSeed.get().value() + ") on the class");
        }
    }

    /**
     * Reports the seed of a failed test and what the proxy did during it (see {@link FailureJournal}), undoes the
     * test's routes and restores the class's routes' faults.
     */
    public static void afterEach(ExtensionContext context, Settings settings) {
        if (!active(context.getRequiredTestClass(), settings)) {
            return;
        }
        Optional<ProxyScope> own = Optional.ofNullable(
                context.getStore(NAMESPACE).get(key(context), ProxyScope.class));
        Optional<ProxyScope> inUse = own.isPresent() ? own : nearest(context.getParent());
        Optional<ChaosProxy> started = inUse.flatMap(ProxyScope::started);
        try {
            if (context.getExecutionException().filter(Lifecycle::mayBeChaos).isPresent() && started.isPresent()) {
                ChaosProxy proxy = started.get();
                long seed = proxy.seed();
                context.publishReportEntry(SEED_PROPERTY, String.valueOf(seed));
                FailureJournal.Mark mark = context.getStore(NAMESPACE).get(markKey(context),
                        FailureJournal.Mark.class);
                String journal = FailureJournal.write(context, proxy, mark == null ? 0 : mark.in(proxy));
                log.warn("chaos-proxy seed={} test={} failed; replay it with -D{}={} or @ChaosSeed({}){}", seed,
                        Annotations.describe(context.getRequiredTestMethod()), SEED_PROPERTY, seed, seed, journal);
            }
        } finally {   // whatever the report ran into, the next test must not inherit this one's routes or faults
            Schedules played = context.getStore(NAMESPACE).remove(SCHEDULES + context.getUniqueId(), Schedules.class);
            if (played != null) {
                played.close();   // cancelled before anything is restored, so no later step undoes it
            }
            own.ifPresent(ProxyScope::close);   // before the next test starts, not whenever JUnit ends the scope
            nearest(context.getParent()).flatMap(ProxyScope::started).ifPresent(ChaosProxy::restoreFaults);
        }
    }

    /** Whether a seed could replay this failure: not for a mistake in the test's set-up (a bad @RouteName). */
    private static boolean mayBeChaos(Throwable failure) {
        return !(failure instanceof ExtensionConfigurationException
                || failure instanceof org.junit.jupiter.api.extension.ParameterResolutionException);
    }

    /**
     * Whether this registration acts: a programmatic extension always; the one {@code @ChaosRoute} registers only
     * when no programmatic one is there, so that nothing is done twice.
     */
    public static boolean active(Class<?> testClass, Settings settings) {
        if (settings != Settings.DECLARATIVE) {
            return true;
        }
        for (Class<?> c = testClass; c != null; c = c.getEnclosingClass()) {
            if (!AnnotationSupport.findAnnotatedFields(c, RegisterExtension.class,
                    f -> ChaosProxyExtension.class.isAssignableFrom(f.getType()), HierarchyTraversalMode.TOP_DOWN)
                    .isEmpty()) {
                if (c == testClass && !AnnotationSupport.findRepeatableAnnotations(c, ChaosRoute.class).isEmpty()) {
                    return true;   // so that the programmatic one reports the conflict
                }
                return false;
            }
        }
        return true;
    }

    /** The proxy of the innermost scope at or above {@code context}, if any. */
    public static Optional<ChaosProxy> proxy(ExtensionContext context) {
        return nearest(Optional.of(context)).map(ProxyScope::proxy);
    }

    private static Optional<ProxyScope> nearest(Optional<ExtensionContext> from) {
        for (Optional<ExtensionContext> c = from; c.isPresent(); c = c.get().getParent()) {
            ProxyScope scope = c.get().getStore(NAMESPACE).get(key(c.get()), ProxyScope.class);
            if (scope != null) {
                return Optional.of(scope);
            }
        }
        return Optional.empty();
    }

    private static String markKey(ExtensionContext context) {
        return "journal-mark@" + context.getUniqueId();
    }

    private static String key(ExtensionContext context) {
        return "proxy@" + context.getUniqueId();   // per context: the store's get() also looks in the parents
    }

    /**
     * Puts a scope built outside the store into it: a start that fails must not leave a failed value there,
     * which later look-ups would throw again.
     */
    private static ProxyScope store(ExtensionContext context, ProxyScope scope) {
        ProxyScope stored = context.getStore(NAMESPACE).getOrComputeIfAbsent(key(context), k -> scope, ProxyScope.class);
        if (stored != scope) {
            scope.close();   // a callback ran twice for one context; keep the first
        }
        return stored;
    }

    /**
     * Resolves every upstream first, so that a bad one fails before anything is bound: each route's, in order, or
     * null for a method route overriding a class route without them.
     */
    private static List<List<String>> resolveUpstreams(List<RouteSpec> specs, boolean mayOverride,
            ChaosProxy proxy) {
        return resolveUpstreams(specs, mayOverride, proxy, false);
    }

    /** As above; with {@code mayWait}, an unset {@code ${..}} throws {@link Placeholders.Unset} to defer the start. */
    private static List<List<String>> resolveUpstreams(List<RouteSpec> specs, boolean mayOverride,
            ChaosProxy proxy, boolean mayWait) {
        List<List<String>> upstreams = new ArrayList<>();
        for (RouteSpec spec : specs) {
            if (spec.upstreams().isEmpty()) {
                boolean overrides = mayOverride && spec.name() != null && find(proxy, spec.name()) != null;
                if (!overrides) {
                    throw new ExtensionConfigurationException(spec.label() + " has no upstream;"
                            + " set upstream = \"host:port\" (only a method route overriding a class route may omit it)");
                }
                upstreams.add(null);
            } else {
                List<String> resolved = new ArrayList<>();
                for (Supplier<String> supplier : spec.upstreams()) {
                    try {
                        resolved.add(resolve(spec, supplier));
                    } catch (Placeholders.Unset e) {
                        if (mayWait) {
                            throw e;
                        }
                        throw new ExtensionConfigurationException(e.getMessage());   // no internal type shown
                    }
                }
                upstreams.add(resolved);
            }
        }
        return upstreams;
    }

    private static String resolve(RouteSpec spec, Supplier<String> supplier) {
        String upstream;
        try {
            upstream = supplier.get();
        } catch (ExtensionConfigurationException e) {
            throw e;   // says what is wrong already (an unset ${..})
        } catch (RuntimeException e) {
            throw new ExtensionConfigurationException(spec.label() + ": the upstream supplier failed ("
                    + e + "); start what it reads (a container, a server) before the proxy starts", e);
        }
        if (upstream == null || upstream.isBlank()) {
            throw new ExtensionConfigurationException(spec.label() + ": the upstream supplier gave \""
                    + upstream + "\"; expected host:port");
        }
        return upstream;
    }

    private static ChaosProxy start(List<RouteSpec> specs, List<List<String>> upstreams, Long seed,
            Settings settings) {
        ChaosProxy.Builder builder = ChaosProxy.builder().shutdownTimeout(settings.shutdownTimeout());
        if (seed != null) {
            builder.seed(seed);
        }
        for (int i = 0; i < specs.size(); i++) {
            RouteSpec spec = specs.get(i);
            try {
                List<String> targets = upstreams.get(i);
                configure(builder.route(spec.localPort(), targets.get(0),
                        targets.subList(1, targets.size()).toArray(String[]::new)), spec);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw problem(spec, e);
            }
        }
        try {
            return builder.start();
        } catch (DuplicateException e) {
            throw problem(declaring(specs, e.route()), e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ExtensionConfigurationException(specs.get(0).where() + ": " + e.getMessage(), e);
        }
    }

    /** The spec of the route the proxy names {@code routeName}: the last one, as a clash is the later route's. */
    private static RouteSpec declaring(List<RouteSpec> specs, String routeName) {
        for (int i = specs.size() - 1; i >= 0; i--) {
            String name = specs.get(i).name() != null ? specs.get(i).name() : "route-" + i;
            if (name.equals(routeName)) {
                return specs.get(i);
            }
        }
        return specs.get(0);
    }

    /** Adds a {@code @Nested} class's routes to the enclosing proxy; if one fails, none stays added. */
    private static void addAll(ChaosProxy proxy, ProxyScope scope, List<RouteSpec> specs,
            List<List<String>> upstreams) {
        try {
            for (int i = 0; i < specs.size(); i++) {
                scope.publish(add(proxy, scope, specs.get(i), upstreams.get(i)));
            }
        } catch (RuntimeException e) {
            scope.undo();   // a deferred start tried again (the next test) would meet its own routes as clashes
            throw e;
        }
    }

    private static Route add(ProxyScope scope, RouteSpec spec, List<String> upstreams) {
        return add(scope.proxy(), scope, spec, upstreams);
    }

    private static Route add(ChaosProxy proxy, ProxyScope scope, RouteSpec spec, List<String> upstreams) {
        try {
            Route route = proxy.addRoute(spec.localPort(), upstreams, builder -> configure(builder, spec));
            scope.added(proxy, route);
            return route;
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw problem(spec, e);
        }
    }

    /**
     * The core's message, said of the declaring annotation. The core checks the upstream before the route has
     * its name, so its {@code route 'route-0':} prefix gives way to the declared name.
     */
    private static ExtensionConfigurationException problem(RouteSpec spec, RuntimeException e) {
        if (e instanceof DuplicateException duplicate && duplicate.kind() != Kind.FAULT_NAME) {
            return new ExtensionConfigurationException(declaredTwice(spec, duplicate.kind(), duplicate.value()), e);
        }
        String message = e.getMessage();
        if (spec.name() != null && message.startsWith("route '") && message.indexOf("': ") > 0) {
            return new ExtensionConfigurationException(spec.label() + ": "
                    + message.substring(message.indexOf("': ") + 3), e);
        }
        return new ExtensionConfigurationException(spec.where() + ": " + message, e);
    }

    /** A name or port the proxy's routes have already, said of the annotations (or the builder) that declared it. */
    private static String declaredTwice(RouteSpec spec, Kind kind, String value) {
        return kind == Kind.ROUTE_NAME
                ? spec.where() + ": route name '" + value + "' is declared twice; route names must be unique"
                : spec.where() + ": localPort " + value + " is declared twice; use another port or 0 for an"
                        + " ephemeral one";
    }

    private static void configure(RouteBuilder builder, RouteSpec spec) {
        if (spec.name() != null) {
            builder.name(spec.name());
        }
        if (spec.balancing() != null) {
            builder.balancing(spec.balancing());
        }
        spec.configure().accept(builder);
    }

    private static void override(Route route, RouteSpec spec, List<String> upstreams) {
        List<String> classUpstreams = route.upstreams().stream().map(Upstream::address).toList();
        if (upstreams != null && !upstreams.equals(classUpstreams)) {
            throw new ExtensionConfigurationException(spec.label() + ": upstream " + shown(upstreams)
                    + " differs from the class route's " + shown(classUpstreams) + "; a method route with a class"
                    + " route's name overrides its faults only, so leave upstream out or give the route another name");
        }
        if (spec.balancing() != null) {
            throw new ExtensionConfigurationException(spec.label() + ": balancing " + spec.balancing()
                    + " on a method route with a class route's name; it overrides faults only, so leave balancing"
                    + " out or give the route another name");
        }
        if (spec.localPort() != 0 && spec.localPort() != route.localPort()) {
            throw new ExtensionConfigurationException(spec.label() + ": localPort " + spec.localPort()
                    + " differs from the class route's " + route.localPort() + "; an override changes faults only");
        }
        route.setFaults(spec.faults());   // in one step; afterEach's restoreFaults() brings the declared ones back
    }

    /** {@code "a:1"} for one upstream, {@code ["a:1", "b:2"]} for several. */
    private static String shown(List<String> upstreams) {
        return upstreams.size() == 1 ? "\"" + upstreams.get(0) + "\""
                : upstreams.stream().map(u -> "\"" + u + "\"").toList().toString();
    }

    private static Route find(ChaosProxy proxy, String name) {
        return find(proxy.routes(), name);
    }

    private static Route find(List<Route> routes, String name) {
        return routes.stream().filter(r -> r.name().equals(name)).findFirst().orElse(null);
    }

    /** The innermost {@code @ChaosSeed}, else the builder's, else {@code -Dchaosproxy.seed}, else null (random). */
    private static Long seed(AnnotatedElement element, Settings settings, Class<?> orClass) {
        Optional<ChaosSeed> annotation = AnnotationSupport.findAnnotation(element, ChaosSeed.class);
        if (annotation.isEmpty() && orClass != null) {
            annotation = AnnotationSupport.findAnnotation(orClass, ChaosSeed.class);
        }
        if (annotation.isPresent()) {
            return annotation.get().value();
        }
        if (settings.seed() != null) {
            return settings.seed();
        }
        String property = System.getProperty(SEED_PROPERTY);
        if (property == null || property.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(property.trim());
        } catch (NumberFormatException e) {
            throw new ExtensionConfigurationException("-D" + SEED_PROPERTY + ": \"" + property
                    + "\" is not a number; use a long such as 42");
        }
    }
}
