package io.chaosproxy.junit5.internal;

import io.chaosproxy.Balancing;
import io.chaosproxy.Fault;
import io.chaosproxy.config.DurationText;
import io.chaosproxy.junit5.ChaosRoute;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Reads {@code @ChaosRoute}s into {@link RouteSpec}s, checking every value before anything starts. Names and
 * ports that must be unique are the core's to check, when the routes are added (see {@link Lifecycle}).
 */
final class Annotations {
    private Annotations() {
    }

    static List<RouteSpec> routes(AnnotatedElement element) {
        String where = "@ChaosRoute on " + describe(element);
        List<RouteSpec> specs = new ArrayList<>();
        for (ChaosRoute route : AnnotationSupport.findRepeatableAnnotations(element, ChaosRoute.class)) {
            String name = route.name().isBlank() ? null : route.name();
            String label = where + ": route '" + (name != null ? name : "route-" + specs.size()) + "'";
            List<Fault> faults = faults(route, label);
            List<Supplier<String>> upstreams = new ArrayList<>();
            for (String upstream : upstreams(route, label)) {
                upstreams.add(() -> Placeholders.resolve(upstream, where));
            }
            Balancing balancing = route.balancing() == Balancing.ROUND_ROBIN ? null : route.balancing();
            specs.add(new RouteSpec(where, name, route.localPort(), upstreams, balancing, faults,
                    builder -> faults.forEach(builder::fault)));
        }
        return specs;
    }

    /** The upstreams given; none when left out ({@code {}}, or {@code ""} alone as before it was a list). */
    private static List<String> upstreams(ChaosRoute route, String label) {
        String[] given = route.upstream();
        if (given.length == 1 && given[0].isBlank()) {
            return List.of();
        }
        for (int i = 0; i < given.length; i++) {
            if (given[i].isBlank()) {
                throw new ExtensionConfigurationException(label + ": upstream[" + i + "] is blank; give host:port");
            }
        }
        return List.of(given);
    }

    @SuppressWarnings("deprecation")   // reads latencyMs and jitterMs, the deprecated twins of latency and jitter
    private static List<Fault> faults(ChaosRoute route, String label) {
        try {
            Duration latency = duration("latency", route.latency(), "latencyMs", route.latencyMs());
            Duration jitter = duration("jitter", route.jitter(), "jitterMs", route.jitterMs());
            if (jitter != null && latency == null) {
                throw new IllegalArgumentException(route.jitter().isBlank()
                        ? "jitterMs " + route.jitterMs() + " needs a latencyMs"
                        : "jitter \"" + route.jitter() + "\" needs a latency");
            }
            if (!(route.toxicity() >= 0.0 && route.toxicity() <= 1.0)) {
                throw new IllegalArgumentException("toxicity " + route.toxicity() + " is outside 0.0..1.0");
            }
            if (route.bandwidth() < -1) {
                throw new IllegalArgumentException("bandwidth " + route.bandwidth()
                        + " is negative; use bytes per second, or -1 for no limit");
            }
            List<Fault> faults = new ArrayList<>();
            if (route.dropRate() != 0.0) {
                if (!(route.dropRate() >= 0.0 && route.dropRate() <= 1.0)) {
                    throw new IllegalArgumentException("dropRate " + route.dropRate() + " is outside 0.0..1.0");
                }
                faults.add(Fault.drop(route.dropRate()));
            }
            if (latency != null) {
                faults.add(Fault.latency(latency).jitter(jitter != null ? jitter : Duration.ZERO));
            }
            if (route.bandwidth() >= 0) {
                faults.add(Fault.bandwidth(route.bandwidth()));
            }
            return faults.stream().map(f -> f.direction(route.direction()).toxicity(route.toxicity())).toList();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ExtensionConfigurationException(label + ": " + e.getMessage(), e);
        }
    }

    /**
     * A duration given as text ({@code latency = "100ms"}, read by the one duration grammar) or as its
     * deprecated twin in milliseconds; null for none (empty, or zero as the twin's default says).
     */
    private static Duration duration(String key, String text, String twin, long millis) {
        if (!text.isBlank() && millis != 0) {
            throw new IllegalArgumentException(twin + " " + millis + " is given with " + key + " too; give " + key
                    + " alone");
        }
        Duration value;
        if (!text.isBlank()) {
            try {
                value = DurationText.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + " " + e.getMessage(), e);
            }
        } else {
            value = Duration.ofMillis(millis);   // a negative one is the fault's to reject, naming it
        }
        return value.isZero() ? null : value;
    }

    /** {@code Outer.Inner} for a class, {@code Outer.Inner.method()} for a method. */
    static String describe(AnnotatedElement element) {
        if (element instanceof Method method) {
            return describe(method.getDeclaringClass()) + "." + method.getName() + "()";
        }
        Class<?> type = (Class<?>) element;
        String name = type.getName();
        return name.substring(name.lastIndexOf('.') + 1).replace('$', '.');
    }
}
