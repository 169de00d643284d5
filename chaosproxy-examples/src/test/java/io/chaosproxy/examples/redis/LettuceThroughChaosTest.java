package io.chaosproxy.examples.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lettuce against a real {@code redis-server} through a route: latency on every command, a disabled route that
 * times commands out, and Lettuce reconnecting on its own once the route is back.
 *
 * <pre>
 * Lettuce (command timeout 500 ms) -> [route "redis"] -> redis-server child process on a free port
 * </pre>
 *
 * Skipped where no {@code redis-server} is on the PATH (Debian: {@code apt-get install redis-server}).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LettuceThroughChaosTest {
    private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

    private static RedisServerProcess redis;
    private static ChaosProxy proxy;
    private static ClientResources resources;
    private static RedisClient client;

    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> commands;

    @BeforeAll
    static void start() throws Exception {
        Path binary = RedisServerProcess.findBinary().orElse(null);
        if (binary == null) {
            return;                                   // each test is skipped, saying why (surefire reports that)
        }
        redis = RedisServerProcess.start(binary);
        proxy = ChaosProxy.builder().seed(42).route(0, "127.0.0.1:" + redis.port()).name("redis").start();
        // Lettuce waits longer and longer between reconnects (exponential, up to 30 s); a short constant delay
        // makes it reconnect soon after the route is back, which is what a test wants to see.
        resources = ClientResources.builder().reconnectDelay(Delay.constant(Duration.ofMillis(100))).build();
        client = RedisClient.create(resources, RedisURI.builder().withHost("127.0.0.1")
                .withPort(proxy.route("redis").localPort()).withTimeout(COMMAND_TIMEOUT).build());
    }

    @AfterAll
    static void stop() throws Exception {
        // Lettuce runs on Netty threads that outlive the test unless shut down: first the client, then the
        // resources it was given (a client shuts down only resources it made itself).
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS).get();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (redis != null) {
            redis.close();
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
                && (t.getName().startsWith("lettuce-") || t.getName().startsWith("chaos-proxy-")));
    }

    @BeforeEach
    void connect() {
        Assumptions.assumeTrue(redis != null,
                "no redis-server on the PATH; install one (Debian: apt-get install redis-server) to run this example");
        connection = client.connect();
        commands = connection.sync();
    }

    @AfterEach
    void disconnectAndRestore() {
        if (connection == null) {
            return;
        }
        connection.close();
        Route route = proxy.route("redis");
        route.clearFaults();
        if (!route.isEnabled()) {
            route.enable();
        }
    }

    @Test
    void everyCommandPaysTheLatency() {
        proxy.route("redis").addFault(Fault.latency(Duration.ofMillis(100)));   // on each reply
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            commands.set("key", "value-" + i);
            assertThat(commands.get("key")).isEqualTo("value-" + i);
            millis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) / 2);
        }
        System.out.println("redis: SET+GET through 100ms latency, per command " + millis + " ms");
        assertThat(millis).allSatisfy(ms -> assertThat(ms).isGreaterThanOrEqualTo(100));
    }

    @Test
    void aDisabledRouteTimesCommandsOutAndLettuceReconnectsWhenItIsBack() {
        Route route = proxy.route("redis");
        commands.set("key", "before");
        long accepted = route.metrics().acceptedConnections();

        // The route cuts the connection and refuses new ones. Lettuce keeps commands queued while it tries to
        // reconnect, so a command fails only when its timeout expires.
        route.disable();
        long start = System.nanoTime();
        assertThatThrownBy(() -> commands.get("key")).isInstanceOf(RedisCommandTimeoutException.class);
        long timedOutMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(timedOutMillis).isBetween(COMMAND_TIMEOUT.toMillis(), 3_000L);

        // No reconnect call: Lettuce finds the route back on its own, and the next command succeeds on the
        // connection it reconnected (the data is the server's, which never went away).
        route.enable();
        start = System.nanoTime();
        assertThat(commands.get("key")).isEqualTo("before");
        long reconnectMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("redis: command timed out after " + timedOutMillis + " ms with the route down; "
                + "after enable() the next command succeeded in " + reconnectMillis + " ms");
        // Its attempts while the route was down were refused; the one after enable() was accepted.
        assertThat(route.metrics().acceptedConnections()).isEqualTo(accepted + 1);
    }
}
