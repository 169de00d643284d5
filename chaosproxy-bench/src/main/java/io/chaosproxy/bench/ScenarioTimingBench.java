package io.chaosproxy.bench;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.Scenario;
import io.chaosproxy.ScenarioRun;
import io.chaosproxy.Step;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How late scenario steps run: a route with one live connection plays steps 5 ms apart that add and remove a
 * latency fault (each change reaches the connection's loop); one warm-up play, then measured plays. Reports how late
 * each step began (the run's own {@code late}) and how late it was done (when a listener heard it), p50/p99/max.
 *
 * <pre>java -cp chaosproxy-bench/target/chaosproxy-bench.jar io.chaosproxy.bench.ScenarioTimingBench [steps] [plays]</pre>
 */
public final class ScenarioTimingBench {
    private ScenarioTimingBench() {
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int plays = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        long[] heard = new long[steps];   // nanoTime when the listener heard step i of the current play
        try (BenchServers upstream = BenchServers.echo();
                ChaosProxy proxy = ChaosProxy.builder()
                        .listener(event -> {
                            if (event instanceof ChaosEvent.ScenarioStepDone step) {
                                heard[step.index()] = System.nanoTime();
                            }
                        })
                        .route(0, upstream.address()).name("db").start();
                Socket live = new Socket(InetAddress.getLoopbackAddress(), proxy.route("db").localPort())) {
            Route db = proxy.route("db");
            Scenario.Builder builder = Scenario.builder();
            Fault latency = Fault.latency(Duration.ofMillis(1));
            for (int i = 0; i < steps; i++) {
                builder.at(Duration.ofMillis(5L * i), i % 2 == 0 ? Step.add(latency) : Step.remove(latency.name()));
            }
            Scenario scenario = builder.build();
            db.play(scenario).await(Duration.ofMinutes(1));   // warm-up
            long[] begun = new long[steps * plays];
            long[] done = new long[steps * plays];
            for (int p = 0; p < plays; p++) {
                long start = System.nanoTime();
                ScenarioRun run = db.play(scenario);
                if (!run.await(Duration.ofMinutes(1))) {
                    throw new IllegalStateException("play " + p + " did not end");
                }
                List<ChaosEvent.ScenarioStepDone> record = run.steps();
                for (int i = 0; i < steps; i++) {
                    begun[p * steps + i] = record.get(i).late().toNanos();
                    done[p * steps + i] = heard[i] - start - record.get(i).scheduled().toNanos();
                }
            }
            System.out.printf("scenario steps, %d plays of %d steps 5 ms apart on a route with a live connection:%n",
                    plays, steps);
            System.out.println("  began late: " + summary(begun));
            System.out.println("  done late:  " + summary(done) + " (from before play(), the step's work included)");
        }
    }

    private static String summary(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return String.format("p50=%.3f ms p99=%.3f ms max=%.3f ms", sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.ceil(sorted.length * 0.99) - 1] / 1e6, sorted[sorted.length - 1] / 1e6);
    }
}
