package io.chaosproxy.junit5;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Fixes the seed of the proxy the extension starts for the annotated class or method, so that every random
 * decision (drops, jitter, toxicity) repeats run after run. Without it the {@code chaosproxy.seed} system property
 * is used, else a random seed, which is reported when a test fails.
 */
@Documented
@Target({TYPE, METHOD})
@Retention(RUNTIME)
@Inherited
public @interface ChaosSeed {
    /** The seed. */
    long value();
}
