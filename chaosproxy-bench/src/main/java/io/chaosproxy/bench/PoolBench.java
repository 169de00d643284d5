package io.chaosproxy.bench;

import io.chaosproxy.Balancing;
import io.chaosproxy.ChaosProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a route of several upstreams costs a new connection: connect plus a one-byte round trip, sequentially,
 * directly and through routes of one upstream, three (round robin, least connections) and two whose first is dead
 * (every other connection fails over). Rounds interleave the variants, and each is reported as a ratio of the
 * direct connection measured in the same run.
 */
final class PoolBench {
    private static final int ROUNDS = 5;
    private static final int PER_ROUND = 400;

    private PoolBench() {
    }

    static void run() throws Exception {
        try (BenchServers a = BenchServers.echo(); BenchServers b = BenchServers.echo();
                BenchServers c = BenchServers.echo()) {
            String dead = "127.0.0.1:" + freePort();
            try (ChaosProxy proxy = ChaosProxy.builder()
                    .route(0, a.address()).name("one")
                    .route(0, a.address(), b.address(), c.address()).name("three-rr")
                    .route(0, a.address(), b.address(), c.address()).name("three-least")
                    .balancing(Balancing.LEAST_CONNECTIONS)
                    .route(0, dead, a.address()).name("dead-first")
                    .start()) {
                Map<String, Integer> ports = new LinkedHashMap<>();
                ports.put("direct", a.port());
                for (String route : new String[] {"one", "three-rr", "three-least", "dead-first"}) {
                    ports.put(route, proxy.route(route).localPort());
                }
                Map<String, long[]> samples = new LinkedHashMap<>();
                ports.keySet().forEach(name -> samples.put(name, new long[ROUNDS * PER_ROUND]));
                for (int round = 0; round < ROUNDS; round++) {
                    for (Map.Entry<String, Integer> variant : ports.entrySet()) {
                        long[] into = samples.get(variant.getKey());
                        for (int i = 0; i < PER_ROUND; i++) {
                            into[round * PER_ROUND + i] = connectAndRoundTrip(variant.getValue());
                        }
                    }
                }
                long[] direct = samples.get("direct");
                Arrays.sort(direct);
                double directMedian = direct[direct.length / 2];
                System.out.printf("pools: connect + 1-byte round trip, %d sequential connections each, interleaved;"
                        + " direct median %.0f us%n", direct.length, directMedian / 1e3);
                samples.forEach((name, values) -> {
                    Arrays.sort(values);
                    System.out.printf("  %-12s median %6.0f us (%.2fx direct), p99 %6.0f us%n", name,
                            values[values.length / 2] / 1e3, values[values.length / 2] / directMedian,
                            values[values.length * 99 / 100] / 1e3);
                });
            }
        }
    }

    private static long connectAndRoundTrip(int port) throws IOException {
        long start = System.nanoTime();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setTcpNoDelay(true);
            socket.getOutputStream().write(1);
            if (socket.getInputStream().read() != 1) {
                throw new IOException("no echo through port " + port);
            }
        }
        return System.nanoTime() - start;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
