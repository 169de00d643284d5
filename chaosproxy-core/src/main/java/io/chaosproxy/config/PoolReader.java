package io.chaosproxy.config;

import io.chaosproxy.Balancing;
import io.chaosproxy.RouteBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads how a route spreads, checks and limits its connections: {@code balancing}, {@code healthCheck},
 * {@code circuitBreaker}, {@code maxConnections}, {@code connectionRate}, {@code connectTimeout}, {@code keepAlive},
 * {@code preconnect}. Each field is the {@link RouteBuilder} method of its name, checked here to the same bounds, so
 * that calling it cannot fail.
 */
final class PoolReader {
    private static final List<String> NAMES = Arrays.stream(Balancing.values()).map(PoolReader::wireName).toList();
    private static final String BALANCING = "expected " + String.join(", ", NAMES.subList(0, NAMES.size() - 1))
            + " or " + NAMES.get(NAMES.size() - 1);

    private PoolReader() {
    }

    /** The settings {@code route} gives, as calls to make on its builder; those with problems are left out. */
    static Consumer<RouteBuilder> read(ConfigObject route, Problems problems) {
        List<Consumer<RouteBuilder>> settings = new ArrayList<>();
        Balancing balancing = balancing(route);
        if (balancing != null) {
            settings.add(r -> r.balancing(balancing));
        }
        ConfigObject health = object(route, "healthCheck", problems);
        if (health != null) {
            Duration interval = health.positiveDuration("interval", true);
            Duration timeout = health.positiveDuration("timeout", true);
            health.finish();
            if (interval != null && timeout != null) {
                settings.add(r -> r.healthCheck(interval, timeout));
            }
        }
        ConfigObject breaker = object(route, "circuitBreaker", problems);
        if (breaker != null) {
            Long failures = breaker.integer("failures", true, 1, Integer.MAX_VALUE);
            Duration coolDown = breaker.positiveDuration("coolDown", true);
            breaker.finish();
            if (failures != null && coolDown != null) {
                settings.add(r -> r.circuitBreaker(failures.intValue(), coolDown));
            }
        }
        Long maxConnections = route.integer("maxConnections", false, 1, Integer.MAX_VALUE);
        if (maxConnections != null) {
            settings.add(r -> r.maxConnections(maxConnections.intValue()));
        }
        Long connectionRate = route.integer("connectionRate", false, 1, Integer.MAX_VALUE);
        if (connectionRate != null) {
            settings.add(r -> r.connectionRate(connectionRate.intValue()));
        }
        Duration connectTimeout = route.positiveDuration("connectTimeout", false);
        if (connectTimeout != null) {
            settings.add(r -> r.connectTimeout(connectTimeout));
        }
        Boolean keepAlive = route.bool("keepAlive");
        if (keepAlive != null) {
            settings.add(r -> r.keepAlive(keepAlive));
        }
        Long preconnect = route.integer("preconnect", false, 0, 1024);
        if (preconnect != null) {
            settings.add(r -> r.preconnect(preconnect.intValue()));
        }
        return r -> settings.forEach(setting -> setting.accept(r));
    }

    private static Balancing balancing(ConfigObject route) {
        String text = route.string("balancing", false, BALANCING);
        if (text == null) {
            return null;
        }
        for (Balancing balancing : Balancing.values()) {
            if (wireName(balancing).equals(text.strip().toLowerCase(Locale.ROOT))) {
                return balancing;
            }
        }
        route.problem("balancing", "\"" + text + "\" is not a balancing; " + BALANCING);
        return null;
    }

    /** {@code round_robin} for {@link Balancing#ROUND_ROBIN}: the name a file gives, in any case. */
    static String wireName(Balancing balancing) {
        return balancing.name().toLowerCase(Locale.ROOT);
    }

    private static ConfigObject object(ConfigObject parent, String key, Problems problems) {
        Node value = parent.raw(key);
        return value == null ? null : ConfigObject.of(value, parent.child(key), problems);
    }
}
