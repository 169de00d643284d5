package io.chaosproxy.junit5.internal;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.Scenario;
import io.chaosproxy.ScenarioRun;
import io.chaosproxy.config.ConfigFormat;
import io.chaosproxy.config.ConfigLoader;
import io.chaosproxy.junit5.ChaosSchedule;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * {@link ChaosSchedule}: finds each test's scenarios, plays them, and after the test cancels them and restores their
 * routes. The runs live in the test's store, so parallel tests share nothing.
 */
final class Schedules implements ExtensionContext.Store.CloseableResource {
    private final List<ScenarioRun> runs = new ArrayList<>();
    private final List<Route> routes = new ArrayList<>();

    private Schedules() {
    }

    /** The class's then the method's schedules, played on the test's proxy; null when there are none. */
    static Schedules play(ExtensionContext context, ChaosProxy proxy) {
        List<ChaosSchedule> declared = new ArrayList<>(
                AnnotationSupport.findRepeatableAnnotations(context.getRequiredTestClass(), ChaosSchedule.class));
        Method method = context.getRequiredTestMethod();
        declared.addAll(AnnotationSupport.findRepeatableAnnotations(method, ChaosSchedule.class));
        if (declared.isEmpty()) {
            return null;
        }
        String where = "@ChaosSchedule on " + Annotations.describe(method);
        if (proxy == null) {
            throw new ExtensionConfigurationException(where + ": there is no chaos proxy; declare a @ChaosRoute");
        }
        List<Scenario> scenarios = new ArrayList<>();
        List<Route> targets = new ArrayList<>();
        for (ChaosSchedule schedule : declared) {   // every one checked before any plays
            targets.add(route(proxy, schedule, where));
            scenarios.add(scenario(context, schedule, where));
        }
        Schedules played = new Schedules();
        for (int i = 0; i < scenarios.size(); i++) {
            played.routes.add(targets.get(i));
            played.runs.add(targets.get(i).play(scenarios.get(i)));
        }
        return played;
    }

    private static Route route(ChaosProxy proxy, ChaosSchedule schedule, String where) {
        List<Route> routes = proxy.routes();
        if (schedule.route().isEmpty()) {
            if (routes.size() != 1) {
                throw new ExtensionConfigurationException(where + ": route is not given and the proxy has "
                        + routes.size() + " routes " + routes.stream().map(Route::name).toList() + "; name one");
            }
            return routes.get(0);
        }
        return routes.stream().filter(r -> r.name().equals(schedule.route())).findFirst()
                .orElseThrow(() -> new ExtensionConfigurationException(where + ": no route named '" + schedule.route()
                        + "'; routes: " + routes.stream().map(Route::name).toList()));
    }

    private static Scenario scenario(ExtensionContext context, ChaosSchedule schedule, String where) {
        if (schedule.scenario().isEmpty() == schedule.resource().isEmpty()) {
            throw new ExtensionConfigurationException(where + ": give scenario (a field or method) or resource (a"
                    + " file on the class path), one of them");
        }
        if (!schedule.resource().isEmpty()) {
            return resource(context.getRequiredTestClass(), schedule.resource(), where);
        }
        Object instance = context.getTestInstance().orElse(null);
        for (Class<?> c = context.getRequiredTestClass(); c != null; c = c.getEnclosingClass()) {
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                Object found = member(k, schedule.scenario(), instance, where);
                if (found != null) {
                    return (Scenario) found;
                }
            }
            instance = null;   // an enclosing class's instance is not at hand: its static members only
        }
        throw new ExtensionConfigurationException(where + ": no field or no-argument method '" + schedule.scenario()
                + "' of type Scenario in " + Annotations.describe(context.getRequiredTestClass()) + " or a class"
                + " enclosing it");
    }

    private static Object member(Class<?> type, String name, Object instance, String where) {
        try {
            for (Field field : type.getDeclaredFields()) {
                if (field.getName().equals(name) && Scenario.class.isAssignableFrom(field.getType())
                        && (Modifier.isStatic(field.getModifiers()) || type.isInstance(instance))) {
                    field.setAccessible(true);
                    return notNull(field.get(Modifier.isStatic(field.getModifiers()) ? null : instance), where, name);
                }
            }
            for (Method method : type.getDeclaredMethods()) {
                if (method.getName().equals(name) && method.getParameterCount() == 0
                        && Scenario.class.isAssignableFrom(method.getReturnType())
                        && (Modifier.isStatic(method.getModifiers()) || type.isInstance(instance))) {
                    method.setAccessible(true);
                    return notNull(method.invoke(Modifier.isStatic(method.getModifiers()) ? null : instance), where,
                            name);
                }
            }
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException ite ? ite.getCause() : e;
            throw new ExtensionConfigurationException(where + ": reading '" + name + "' failed: " + cause, cause);
        }
    }

    private static Object notNull(Object value, String where, String name) {
        if (value == null) {
            throw new ExtensionConfigurationException(where + ": '" + name + "' is null; give it a Scenario");
        }
        return value;
    }

    private static Scenario resource(Class<?> testClass, String name, String where) {
        String path = name.startsWith("/") ? name.substring(1) : name;
        ConfigFormat format;
        try {
            format = ConfigFormat.of(Path.of(path));
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException(where + ": resource \"" + name + "\" has an unknown extension;"
                    + " use .json, .yaml or .yml");
        }
        try (InputStream in = testClass.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new ExtensionConfigurationException(where + ": resource \"" + name + "\" is not on the class"
                        + " path");
            }
            return ConfigLoader.scenario(new String(in.readAllBytes(), StandardCharsets.UTF_8), format);
        } catch (IOException e) {
            throw new ExtensionConfigurationException(where + ": resource \"" + name + "\" cannot be read: " + e, e);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException(where + ": resource \"" + name + "\": " + e.getMessage(), e);
        }
    }

    /** Cancels the runs (a step under way is finished first), then restores their routes' faults and enables them. */
    @Override
    public void close() {
        runs.forEach(ScenarioRun::cancel);
        for (Route route : routes) {
            try {
                route.restoreFaults();
            } catch (IllegalStateException closed) {
                // the proxy closed first: nothing left to restore
            }
        }
        runs.clear();
        routes.clear();
    }
}
