package io.chaosproxy.spi;

import io.chaosproxy.Fault;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of fault types: the built-in ones and every {@link FaultTypeProvider} on the class or module
 * path, found once, on first use. Thread-safe.
 */
public final class FaultTypes {
    private static final Logger log = LoggerFactory.getLogger(FaultTypes.class);
    private static volatile Registry registry;

    private FaultTypes() {
    }

    /** Every registered type, the built-in ones first, in the order their providers list them. */
    public static List<FaultType<?>> all() {
        return registry().all;
    }

    /** The type of that name ({@code latency}, {@code reset_peer}...). */
    public static Optional<FaultType<?>> named(String name) {
        return Optional.ofNullable(registry().byName.get(name));
    }

    /**
     * The type of a fault value: the registered type of its class, else the type a {@link TypedFault} carries.
     *
     * @throws IllegalArgumentException when neither is there
     */
    public static FaultType<?> of(Fault fault) {
        FaultType<?> type = registry().byClass.get(fault.getClass());
        if (type == null && fault instanceof TypedFault typed && typed.faultType().valueType() == fault.getClass()) {
            type = typed.faultType();
        }
        if (type == null) {
            List<String> problems = registry().problems;
            throw new IllegalArgumentException("fault " + fault.name() + " (" + fault.getClass().getName()
                    + ") has no registered FaultType; list a FaultTypeProvider that returns one in"
                    + " META-INF/services/" + FaultTypeProvider.class.getName() + ", or make it a TypedFault"
                    + (problems.isEmpty() ? "" : "; registration problems: " + problems));
        }
        return type;
    }

    private static Registry registry() {
        Registry loaded = registry;
        if (loaded == null) {
            synchronized (FaultTypes.class) {
                loaded = registry;
                if (loaded == null) {
                    loaded = registry = load();
                }
            }
        }
        return loaded;
    }

    /**
     * What went wrong registering fault types: a provider that could not be loaded or threw, a type name or value
     * class registered twice. Each such provider or type is left out (and logged); every other type works.
     */
    public static List<String> problems() {
        return registry().problems;
    }

    private static Registry load() {
        List<String> problems = new ArrayList<>();
        Map<String, FaultTypeProvider> providers = new LinkedHashMap<>();
        // Our own loader first, so the built-in types come first; then the thread's, for a test's own providers.
        addProviders(providers, FaultTypes.class.getClassLoader(), problems);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            addProviders(providers, context, problems);
        }
        List<FaultTypeProvider> ordered = new ArrayList<>(providers.values());
        // The built-in types first, whatever order the class path lists the providers in.
        ordered.sort(java.util.Comparator.comparing(provider -> !isOurs(provider)));
        Registry registry = Registry.of(ordered, problems);
        registry.problems.forEach(problem -> log.error("chaos-proxy: {}", problem));
        return registry;
    }

    private static boolean isOurs(FaultTypeProvider provider) {
        return java.util.Objects.equals(provider.getClass().getProtectionDomain().getCodeSource(),
                FaultTypes.class.getProtectionDomain().getCodeSource());
    }

    static void addProviders(Map<String, FaultTypeProvider> providers, ClassLoader loader,
            List<String> problems) {
        Iterator<FaultTypeProvider> it = ServiceLoader.load(FaultTypeProvider.class, loader).iterator();
        String lastError = null;
        while (true) {
            try {
                if (!it.hasNext()) {
                    return;
                }
                FaultTypeProvider provider = it.next();
                providers.putIfAbsent(provider.getClass().getName(), provider);
            } catch (ServiceConfigurationError e) {   // one provider listed but not loadable: the others still are
                if (java.util.Objects.equals(e.getMessage(), lastError)) {
                    return;   // the same error again: the lookup is stuck (the service files cannot be listed)
                }
                lastError = e.getMessage();
                problems.add("a fault type provider was left out: " + e.getMessage());
            }
        }
    }

    /** The types, by name and by value class; built once. */
    record Registry(List<FaultType<?>> all, Map<String, FaultType<?>> byName, Map<Class<?>, FaultType<?>> byClass,
            List<String> problems) {

        /** The types of {@code providers}, in order; what cannot be registered is left out and told in problems. */
        static Registry of(List<FaultTypeProvider> providers, List<String> problemsSoFar) {
            List<String> problems = new ArrayList<>(problemsSoFar);
            Map<String, FaultType<?>> byName = new LinkedHashMap<>();
            Map<Class<?>, FaultType<?>> byClass = new LinkedHashMap<>();
            for (FaultTypeProvider provider : providers) {
                String source = provider.getClass().getName();
                List<FaultType<?>> types;
                try {
                    types = provider.faultTypes();
                } catch (Throwable e) {   // an assert, a sneaky checked exception: a broken provider all the same
                    problems.add("fault type provider " + source + " was left out: faultTypes() threw " + e);
                    continue;
                }
                if (types == null) {
                    problems.add("fault type provider " + source + " returned null instead of a list; left out");
                    continue;
                }
                for (FaultType<?> type : types) {
                    if (type == null) {
                        problems.add("fault type provider " + source + " returned a null type; left out");
                    } else if (byName.containsKey(type.name())) {
                        problems.add("fault type \"" + type.name() + "\" of " + source + " was left out: the name is"
                                + " registered already, for " + byName.get(type.name()).valueType().getName());
                    } else if (byClass.containsKey(type.valueType())) {
                        problems.add("fault type \"" + type.name() + "\" of " + source + " was left out: "
                                + type.valueType().getName() + " is the value class of \""
                                + byClass.get(type.valueType()).name() + "\" already");
                    } else {
                        byName.put(type.name(), type);
                        byClass.put(type.valueType(), type);
                    }
                }
            }
            return new Registry(List.copyOf(byName.values()), Map.copyOf(byName), Map.copyOf(byClass),
                    List.copyOf(problems));
        }
    }
}
