package io.chaosproxy.examples.redis;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ProxyMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Shows a fault of our own, {@link RedisErrorReply}, in front of a Redis server: the same commands go once
 * straight to the server and once through a chaos-proxy route; through the route the first {@code +OK} is an
 * error, and nothing else changed.
 *
 * <pre>
 * raw socket client -> [route "redis": redis_error, replies 1] -> FakeRedis
 * </pre>
 *
 * {@code RedisErrorThroughChaosTest} runs it with the fault given in Java and in a config file.
 */
public final class RedisErrorThroughChaos {
    /** The demo's commands: two {@code +OK}s, one of them stored and read back as a bulk string. */
    public static final List<String> COMMANDS = List.of("SET greeting hello", "SET note +OK", "GET note", "PING",
            "GET greeting");

    /** What the client got: straight from the server, and through the route on each connection made. */
    public record Result(byte[] straight, List<byte[]> throughProxy, ProxyMetrics routeMetrics) {
    }

    private RedisErrorThroughChaos() {
    }

    /** Sends the demo's commands straight and through the proxy, and prints both replies. */
    public static void main(String[] args) throws Exception {
        Result result = run(upstream -> ChaosProxy.builder()
                .route(0, upstream).name("redis").fault(RedisErrorReply.firstReply())
                .start(), COMMANDS, 1);
        System.out.println("commands:          " + String.join(" | ", COMMANDS) + " | QUIT");
        System.out.println("straight to redis: " + printable(result.straight()));
        System.out.println("through the proxy: " + printable(result.throughProxy().get(0)));
        System.out.println("faults injected:   " + result.routeMetrics().faultsInjected());
    }

    /**
     * Starts a {@link FakeRedis} and the proxy {@code proxyInFront} makes for its address (with a route named
     * "redis"), sends {@code commands} and QUIT straight once and through the route on {@code connections}
     * connections one after the other, closes everything and returns what the client read.
     */
    public static Result run(Function<String, ChaosProxy> proxyInFront, List<String> commands, int connections)
            throws IOException {
        try (FakeRedis redis = FakeRedis.start(); ChaosProxy proxy = proxyInFront.apply(redis.address())) {
            byte[] straight = exchange(redis.port(), commands);
            List<byte[]> throughProxy = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                throughProxy.add(exchange(proxy.route("redis").localPort(), commands));
            }
            return new Result(straight, List.copyOf(throughProxy), proxy.route("redis").metrics());
        }
    }

    /**
     * On a new connection, sends every command (pipelined) and QUIT, and returns every byte the server sent
     * until it closed the connection.
     */
    public static byte[] exchange(int port, List<String> commands) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder();
            for (String command : commands) {
                request.append(command).append("\r\n");
            }
            request.append("QUIT\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return in.readAllBytes();
        }
    }

    private static String printable(byte[] replies) {
        return new String(replies, UTF_8).replace("\r\n", "\\r\\n ").strip();
    }
}
