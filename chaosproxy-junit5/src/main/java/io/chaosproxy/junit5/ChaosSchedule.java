package io.chaosproxy.junit5;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Plays a {@link io.chaosproxy.Scenario} on a route while each test runs (on a class: every test of it; on a method:
 * that test), started after the test's routes are set up and before {@code @BeforeEach}; after the test it is
 * cancelled and the route restored to its declared faults and enabled. Repeatable.
 *
 * <pre>{@code
 * @ChaosRoute(name = "db", upstream = "127.0.0.1:${db.port}")
 * class OrderServiceTest {
 *     static Scenario flaky = Scenario.builder().flapping(Duration.ofMillis(500), Duration.ofMillis(100))
 *             .repeatForever().build();
 *
 *     @Test
 *     @ChaosSchedule(route = "db", scenario = "flaky")
 *     void survivesAFlappingDatabase(@RouteName("db") Route db) { ... }
 * }
 * }</pre>
 */
@Documented
@Target({TYPE, METHOD})
@Retention(RUNTIME)
@Inherited
@Repeatable(ChaosSchedule.ChaosSchedules.class)
@ExtendWith(ChaosProxyExtension.class)
public @interface ChaosSchedule {

    /** The route to play it on; may be left out when the proxy has one route. */
    String route() default "";

    /**
     * The name of a field or no-argument method of the test class (or a class enclosing it) holding the
     * {@code Scenario}; static, or of the test instance.
     */
    String scenario() default "";

    /**
     * Instead of {@link #scenario()}: a class path resource holding the scenario as a config file's route
     * {@code schedule}, JSON ({@code .json}) or YAML ({@code .yaml}, {@code .yml}).
     */
    String resource() default "";

    /** Holds repeated {@code @ChaosSchedule}s; the compiler writes it. */
    @Documented
    @Target({TYPE, METHOD})
    @Retention(RUNTIME)
    @Inherited
    @ExtendWith(ChaosProxyExtension.class)
    @interface ChaosSchedules {
        ChaosSchedule[] value();
    }
}
