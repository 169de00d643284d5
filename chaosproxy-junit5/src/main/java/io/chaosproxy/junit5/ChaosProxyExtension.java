package io.chaosproxy.junit5;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.RouteBuilder;
import io.chaosproxy.junit5.internal.Lifecycle;
import io.chaosproxy.junit5.internal.RouteParameters;
import io.chaosproxy.junit5.internal.RouteSpec;
import io.chaosproxy.junit5.internal.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;

/**
 * Runs chaos-proxy routes around JUnit tests, and injects {@link ChaosProxy} and {@link Route} parameters.
 * {@link ChaosRoute @ChaosRoute} registers it; register it yourself when an upstream is known only at run time:
 *
 * <pre>{@code
 * @RegisterExtension
 * static ChaosProxyExtension chaos = ChaosProxyExtension.builder()
 *         .route("db", () -> "127.0.0.1:" + postgres.getMappedPort(5432), r -> r.latency(Duration.ofMillis(100)))
 *         .build();
 * }</pre>
 *
 * A static field gives one proxy per class, an instance field one per test. Every running proxy is kept in
 * JUnit's store, never in this object, so parallel classes and methods share nothing.
 */
public final class ChaosProxyExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver, TestInstancePreConstructCallback {
    private final Settings settings;

    /** The extension as {@code @ChaosRoute} registers it: routes come from the annotations alone. */
    public ChaosProxyExtension() {
        this(Settings.DECLARATIVE);
    }

    private ChaosProxyExtension(Settings settings) {
        this.settings = settings;
    }

    /** Starts configuring an extension for {@code @RegisterExtension}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Lifecycle.beforeAll(context, settings);
    }

    /** Starts the class's proxy early under {@code @TestInstance(PER_CLASS)}, for constructor parameters. */
    @Override
    public void preConstructTestInstance(TestInstanceFactoryContext factoryContext, ExtensionContext context) {
        Lifecycle.beforeInstance(context, settings);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Lifecycle.beforeEach(context, settings);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Lifecycle.afterEach(context, settings);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return RouteParameters.supports(parameter)
                && context.getTestClass().map(c -> Lifecycle.active(c, settings)).orElse(true);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return RouteParameters.resolve(parameter, context);
    }

    @Override
    public String toString() {
        return "ChaosProxyExtension{routes=" + settings.routes().stream().map(RouteSpec::name).toList() + "}";
    }

    /** Configures a {@link ChaosProxyExtension}; holds configuration only, nothing runs until a test does. */
    public static final class Builder {
        private final List<RouteSpec> routes = new ArrayList<>();
        private Long seed;
        private Duration shutdownTimeout = Settings.DEFAULT_SHUTDOWN_TIMEOUT;

        private Builder() {
        }

        /** Adds a route with no faults; see {@link #route(String, Supplier, Consumer)}. */
        public Builder route(String name, Supplier<String> upstream) {
            return route(name, upstream, r -> { });
        }

        /**
         * Adds a route named {@code name} on an ephemeral port, to the upstream {@code upstream} gives when the
         * proxy starts (e.g. a container's mapped port); {@code faults} sets its faults as on
         * {@link ChaosProxy#builder()}: {@code r -> r.latency(Duration.ofMillis(100)).dropRate(0.1)}. Names are
         * unique, as the proxy checks them: a second route of one name fails the tests when the proxy starts.
         */
        public Builder route(String name, Supplier<String> upstream, Consumer<RouteBuilder> faults) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(upstream, "upstream");
            Objects.requireNonNull(faults, "faults");
            if (name.isBlank()) {
                throw new IllegalArgumentException("route name is blank; give each route a name");
            }
            routes.add(new RouteSpec("ChaosProxyExtension", name, 0, List.of(upstream), null, List.of(), faults));
            return this;
        }

        /** Fixes the seed of every random decision; a {@code @ChaosSeed} on the class or method wins over it. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How long closing the proxy lets live connections finish; default 500 ms. */
        public Builder shutdownTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "shutdownTimeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout: " + timeout + " is negative");
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /** The extension, for a {@code @RegisterExtension} field. */
        public ChaosProxyExtension build() {
            if (routes.isEmpty()) {
                throw new IllegalStateException("no routes; add one with route(name, () -> \"host:port\") before build()");
            }
            return new ChaosProxyExtension(new Settings(routes, seed, shutdownTimeout));
        }
    }
}
