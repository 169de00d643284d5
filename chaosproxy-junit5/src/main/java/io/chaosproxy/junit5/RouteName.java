package io.chaosproxy.junit5;

import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/** Picks the route a {@link io.chaosproxy.Route} parameter gets: {@code @RouteName("db") Route db}. */
@Documented
@Target(PARAMETER)
@Retention(RUNTIME)
public @interface RouteName {
    /** The route's name. */
    String value();
}
