package io.chaosproxy.bench;

import io.chaosproxy.ChaosProxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs chaos-proxy in its own JVM for ProxyBench: route {@code plain} on {@code basePort} and route
 * {@code latency1ms} (1 ms of latency downstream) on {@code basePort + 1}, both to {@code 127.0.0.1:upstreamPort}.
 * Runs until the process is stopped.
 *
 * <pre>java -cp chaosproxy-bench.jar io.chaosproxy.bench.ProxyMain 19000 19105</pre>
 */
public final class ProxyMain {
    private ProxyMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: ProxyMain <upstreamPort> <basePort>");
            System.exit(2);
        }
        int upstreamPort = Integer.parseInt(args[0]);
        int basePort = Integer.parseInt(args[1]);
        String upstream = "127.0.0.1:" + upstreamPort;
        ChaosProxy proxy = ChaosProxy.builder().seed(1)
                .route(basePort, upstream).name("plain")
                .route(basePort + 1, upstream).name("latency1ms").latency(Duration.ofMillis(1))
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            proxy.close();
            stopped.countDown();
        }));
        System.out.println("chaos-proxy ready pid=" + ProcessHandle.current().pid() + " plain=" + basePort
                + " latency1ms=" + (basePort + 1) + " upstream=" + upstream);
        stopped.await();
    }
}
