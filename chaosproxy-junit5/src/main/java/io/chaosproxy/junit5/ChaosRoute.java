package io.chaosproxy.junit5;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import io.chaosproxy.Balancing;
import io.chaosproxy.Direction;
import java.lang.annotation.Documented;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Puts a chaos-proxy route in front of {@code upstream} (one target, or several that share the connections) for
 * the annotated class or method. Repeatable; no {@code @ExtendWith} is needed.
 *
 * <pre>{@code
 * @ChaosRoute(name = "db", upstream = "127.0.0.1:${db.port}", latency = "100ms")
 * class OrderServiceTest {
 *     @Test void survivesSlowDatabase(ChaosProxy proxy) { int port = proxy.route("db").localPort(); ... }
 * }
 * }</pre>
 *
 * On a class the route lives from before the first test to after the last, and is restored to these faults after
 * each test. On a method it lives for that test only; a method route with the name of a class route replaces
 * that route's faults for the test instead ({@code upstream} may then be left out; its upstreams and balancing stay
 * the class route's).
 *
 * <p>The annotation covers the common faults (drop, latency, jitter, bandwidth). Every other fault (timeout, reset
 * peer, slicer, limit data, corrupt, terminate, loss, packet loss, slow close, max lifetime, connect delay, a fault
 * of your own) is a call on the route the test receives, undone after the test as the annotation's faults are:
 * <pre>{@code
 * @Test void survivesAResetDatabase(ChaosProxy proxy) {
 *     proxy.route("db").addFault(Fault.resetPeer(Duration.ofMillis(200)));   // restored to the annotation's after
 *     ...
 * }
 * }</pre>
 * Route settings beyond these (health checks, a circuit breaker, limits, more ports) are set on the route's builder
 * through {@code ChaosProxyExtension.builder().route(name, upstream, r -> r.maxConnections(10))}, or on a
 * {@code ChaosProxy} of the test's own.
 */
@Documented
@Target({TYPE, METHOD})
@Retention(RUNTIME)
@Inherited
@Repeatable(ChaosRoute.ChaosRoutes.class)
@ExtendWith(ChaosProxyExtension.class)
public @interface ChaosRoute {

    /**
     * Where connections go: {@code host:port}, {@code ip:port} or {@code [ipv6]:port}; several
     * ({@code upstream = {"127.0.0.1:7001", "127.0.0.1:7002"}}) share the connections as {@link #balancing()}
     * says, a target that cannot be reached failing over to the next. {@code ${name}} is replaced by the system
     * property {@code name}, else the environment variable, when the proxy starts. A class's proxy whose
     * {@code ${name}} is not set yet waits for it until the class is first used (a {@code Route} or
     * {@code ChaosProxy} parameter, the test instance, the first test), so a {@code @BeforeAll} may start the
     * upstream and set it. Required, except on a method route that overrides a class route.
     */
    String[] upstream() default {};

    /** How a route of several upstreams picks one for each connection; default round robin. */
    Balancing balancing() default Balancing.ROUND_ROBIN;

    /** The route's name, used by {@code proxy.route(name)} and {@link RouteName}; default {@code route-<n>}. */
    String name() default "";

    /** The local port; 0 (the default) for an ephemeral one, which parallel tests need. */
    int localPort() default 0;

    /** The probability, 0.0 to 1.0, that a new connection is dropped before the upstream is contacted. */
    double dropRate() default 0.0;

    /**
     * How long each chunk is held in {@link #direction()} ({@code Fault.latency}): a duration such as
     * {@code "100ms"} or {@code "1.5s"} (units ns, us, ms, s, m, h); empty, the default, for none. Every chunk
     * is delayed, so each request/response round trip takes that much longer. Not the config files'
     * {@code latencyMs}, which delays only the connect, once per connection.
     */
    String latency() default "";

    /** How much {@link #latency()} varies by, either way (uniform), e.g. {@code "20ms"}; needs a latency. */
    String jitter() default "";

    /**
     * Milliseconds each chunk is held: the same per-chunk latency as {@link #latency()}; 0 for none.
     *
     * @deprecated the name reads like the config files' {@code latencyMs}, a one-time connect delay; write
     *             {@code latency = "100ms"}
     */
    @Deprecated
    long latencyMs() default 0;

    /**
     * Milliseconds the per-chunk latency varies by, either way; needs a latency.
     *
     * @deprecated along with {@link #latencyMs()}; write {@code jitter = "20ms"}
     */
    @Deprecated
    long jitterMs() default 0;

    /** At most this many bytes per second in {@link #direction()}; -1 (the default) for no limit, 0 to stall. */
    long bandwidth() default -1;

    /** Which way the faults above apply; default downstream (upstream to client). */
    Direction direction() default Direction.DOWNSTREAM;

    /** The share of connections, 0.0 to 1.0, the faults above apply to; default all. */
    double toxicity() default 1.0;

    /** Holds repeated {@code @ChaosRoute}s; the compiler writes it. */
    @Documented
    @Target({TYPE, METHOD})
    @Retention(RUNTIME)
    @Inherited
    @ExtendWith(ChaosProxyExtension.class)
    @interface ChaosRoutes {
        /** The repeated routes. */
        ChaosRoute[] value();
    }
}
