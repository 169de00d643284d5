package io.chaosproxy.junit5.internal;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import io.chaosproxy.junit5.RouteName;
import java.lang.reflect.Executable;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;

/** Resolves {@link ChaosProxy} and {@link Route} parameters of tests, lifecycle methods and constructors. */
public final class RouteParameters {
    private RouteParameters() {
    }

    public static boolean supports(ParameterContext parameter) {
        Class<?> type = parameter.getParameter().getType();
        return type == ChaosProxy.class || type == Route.class;
    }

    public static Object resolve(ParameterContext parameter, ExtensionContext context) {
        String where = describe(parameter);
        Optional<RouteName> routeName = parameter.findAnnotation(RouteName.class);
        String subject = routeName.map(n -> "@RouteName(\"" + n.value() + "\") on " + where).orElse(where);
        ChaosProxy proxy = proxy(context).orElseThrow(() -> new ParameterResolutionException(subject
                + ": no chaos-proxy runs here; declare @ChaosRoute on the class (or, for a test's parameters,"
                + " on the method) or register a ChaosProxyExtension"));
        if (parameter.getParameter().getType() == ChaosProxy.class) {
            return proxy;
        }
        if (routeName.isPresent()) {
            try {
                return proxy.route(routeName.get().value());
            } catch (NoSuchElementException e) {
                throw new ParameterResolutionException(subject + ": " + e.getMessage());
            }
        }
        List<Route> routes = proxy.routes();
        if (routes.size() != 1) {
            throw new ParameterResolutionException(where + ": the proxy has routes "
                    + routes.stream().map(Route::name).toList() + "; pick one with @RouteName(\"name\")");
        }
        return routes.get(0);
    }

    /**
     * The proxy here, started now if it waited (a deferred class proxy). Its start's message goes out as is: JUnit
     * would wrap any other exception in "Failed to resolve parameter [..] in method [..]: " and repeat the message.
     */
    private static Optional<ChaosProxy> proxy(ExtensionContext context) {
        try {
            return Lifecycle.proxy(context);
        } catch (ExtensionConfigurationException e) {
            throw new ParameterResolutionException(e.getMessage());
        }
    }

    private static String describe(ParameterContext parameter) {
        Executable executable = parameter.getDeclaringExecutable();
        String owner = Annotations.describe(executable.getDeclaringClass());
        String name = executable instanceof java.lang.reflect.Constructor<?> ? owner + " constructor"
                : owner + "." + executable.getName() + "()";
        String parameterName = parameter.getParameter().isNamePresent()
                ? " (" + parameter.getParameter().getName() + ")" : "";   // only when compiled with -parameters
        return parameter.getParameter().getType().getSimpleName() + " parameter " + parameter.getIndex()
                + parameterName + " of " + name;
    }
}
