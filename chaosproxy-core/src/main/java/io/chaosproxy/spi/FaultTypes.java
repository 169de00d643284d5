package io.chaosproxy.spi;

import io.chaosproxy.Fault;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The registry of fault types: the built-in ones and every {@link FaultTypeProvider} on the class or module
 * path, found once, on first use. Thread-safe.
 */
public final class FaultTypes {
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
            throw new IllegalArgumentException("fault " + fault.name() + " (" + fault.getClass().getName()
                    + ") has no registered FaultType; list a FaultTypeProvider that returns one in"
                    + " META-INF/services/" + FaultTypeProvider.class.getName() + ", or make it a TypedFault");
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

    private static Registry load() {
        Map<String, FaultTypeProvider> providers = new LinkedHashMap<>();
        // Our own loader first, so the built-in types come first; then the thread's, for a test's own providers.
        addProviders(providers, FaultTypes.class.getClassLoader());
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null) {
            addProviders(providers, context);
        }
        List<FaultTypeProvider> ordered = new ArrayList<>(providers.values());
        // The built-in types first, whatever order the class path lists the providers in.
        ordered.sort(java.util.Comparator.comparing(provider -> !isOurs(provider)));
        Map<String, FaultType<?>> byName = new LinkedHashMap<>();
        Map<Class<?>, FaultType<?>> byClass = new LinkedHashMap<>();
        for (FaultTypeProvider provider : ordered) {
            for (FaultType<?> type : provider.faultTypes()) {
                FaultType<?> clash = byName.putIfAbsent(type.name(), type);
                if (clash != null && clash != type) {
                    throw new IllegalStateException("fault type \"" + type.name() + "\" is registered twice: by "
                            + provider.getClass().getName() + " and for " + clash.valueType().getName());
                }
                byClass.putIfAbsent(type.valueType(), type);
            }
        }
        return new Registry(List.copyOf(new ArrayList<>(byName.values())), Map.copyOf(byName), Map.copyOf(byClass));
    }

    private static boolean isOurs(FaultTypeProvider provider) {
        return java.util.Objects.equals(provider.getClass().getProtectionDomain().getCodeSource(),
                FaultTypes.class.getProtectionDomain().getCodeSource());
    }

    private static void addProviders(Map<String, FaultTypeProvider> providers, ClassLoader loader) {
        for (FaultTypeProvider provider : ServiceLoader.load(FaultTypeProvider.class, loader)) {
            providers.putIfAbsent(provider.getClass().getName(), provider);
        }
    }

    private record Registry(List<FaultType<?>> all, Map<String, FaultType<?>> byName,
            Map<Class<?>, FaultType<?>> byClass) {
    }
}
