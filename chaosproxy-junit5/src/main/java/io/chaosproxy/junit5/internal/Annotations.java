package io.chaosproxy.junit5.internal;

import io.chaosproxy.Fault;
import io.chaosproxy.junit5.ChaosRoute;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.commons.support.AnnotationSupport;

/** Reads {@code @ChaosRoute}s into {@link RouteSpec}s, checking every value before anything starts. */
final class Annotations {
    private Annotations() {
    }

    static List<RouteSpec> routes(AnnotatedElement element) {
        String where = "@ChaosRoute on " + describe(element);
        List<RouteSpec> specs = new ArrayList<>();
        Map<Integer, Integer> ports = new HashMap<>();
        for (ChaosRoute route : AnnotationSupport.findRepeatableAnnotations(element, ChaosRoute.class)) {
            String name = route.name().isBlank() ? null : route.name();
            for (RouteSpec other : specs) {
                if (name != null && name.equals(other.name())) {
                    throw new ExtensionConfigurationException(where + ": route name '" + name
                            + "' is declared twice; route names must be unique");
                }
            }
            if (route.localPort() != 0 && ports.put(route.localPort(), specs.size()) != null) {
                throw new ExtensionConfigurationException(where + ": localPort " + route.localPort()
                        + " is declared twice; use another port or 0 for an ephemeral one");
            }
            String label = where + ": route '" + (name != null ? name : "route-" + specs.size()) + "'";
            List<Fault> faults = faults(route, label);
            String upstream = route.upstream();
            specs.add(new RouteSpec(where, name, route.localPort(),
                    upstream.isBlank() ? null : () -> Placeholders.resolve(upstream, where), faults,
                    builder -> faults.forEach(builder::fault)));
        }
        return specs;
    }

    private static List<Fault> faults(ChaosRoute route, String label) {
        try {
            if (route.jitterMs() != 0 && route.latencyMs() == 0) {
                throw new IllegalArgumentException("jitterMs " + route.jitterMs() + " needs a latencyMs");
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
            if (route.latencyMs() != 0) {
                faults.add(Fault.latency(Duration.ofMillis(route.latencyMs())).jitter(Duration.ofMillis(route.jitterMs())));
            }
            if (route.bandwidth() >= 0) {
                faults.add(Fault.bandwidth(route.bandwidth()));
            }
            return faults.stream().map(f -> f.direction(route.direction()).toxicity(route.toxicity())).toList();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new ExtensionConfigurationException(label + ": " + e.getMessage(), e);
        }
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
