package io.chaosproxy.bench;

import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Changes a route's faults at random moments from a seeded generator until stopped. Mostly it adds, updates and
 * removes faults that deliver every byte (latency with jitter, bandwidth, slicer, loss, slow close, connect
 * delay); now and then it stalls the route with {@code timeout(0)} for up to 3 s; with cuts on, every 1 to 8 s
 * it cuts: {@code terminate}, {@code resetPeer} or {@code limitData} for a few seconds, or
 * {@code closeConnections()}. Never {@code corrupt}: every byte that arrives must be one that was sent.
 */
final class FaultSchedule {
    private static final Direction[] DIRECTIONS = Direction.values();

    private final Route route;
    private final SplittableRandom random;
    private final boolean cuts;
    private final long maxBytes;
    private final Tally tally;
    private final Thread thread = new Thread(this::run, "soak-fault-schedule");
    private final Map<String, Long> expiries = new HashMap<>();    // schedule thread only: timed faults, when they go
    private final List<String> steady = new ArrayList<>();          // schedule thread only
    private final Map<String, LongAdder> actions = new ConcurrentHashMap<>();
    private long cutsDone;                                           // schedule thread only
    private volatile String lastCut = "none";
    private volatile String lastCutKind = "no cut";
    private volatile long lastCutNanos;
    private volatile boolean stopping;

    FaultSchedule(Route route, SoakOptions options, Tally tally) {
        this.route = route;
        this.random = new SplittableRandom(options.seed() ^ 0x5eed5c4ed01eL);
        this.cuts = options.cuts();
        this.maxBytes = options.maxBytes();
        this.tally = tally;
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops changing faults; those on the route stay until the caller clears them. */
    void stop() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join();
    }

    private void run() {
        long nextCut = System.nanoTime() + millis(1000, 8000).toNanos();
        while (!stopping) {
            try {
                Thread.sleep(50 + random.nextInt(550));
            } catch (InterruptedException e) {
                return;
            }
            removeExpired();
            double roll = random.nextDouble();
            if (cuts && System.nanoTime() >= nextCut) {
                cut();
                nextCut = System.nanoTime() + millis(1000, 8000).toNanos();
            } else if (roll < 0.08) {
                timed("stall", Fault.timeout(Duration.ZERO).direction(direction()), millis(200, 3000));
            } else if (roll < 0.35 && !steady.isEmpty()) {
                String name = steady.remove(random.nextInt(steady.size()));
                control("remove", () -> route.removeFault(name));
            } else {
                addOrUpdateSteady();
            }
        }
    }

    private void addOrUpdateSteady() {
        Fault fault = switch (random.nextInt(6)) {
            case 0 -> Fault.latency(millis(1, 200)).jitter(millis(0, 50));
            case 1 -> Fault.bandwidth((long) (512_000 * Math.pow(100, random.nextDouble())));   // 512 KB/s..51 MB/s
            case 2 -> slicer();
            case 3 -> Fault.loss(0.0005 + 0.0095 * random.nextDouble());
            case 4 -> Fault.slowClose(millis(0, 500));
            default -> Fault.connectDelay(millis(0, 500));
        };
        String name = fault.type() + "-" + random.nextInt(2);
        fault = fault.direction(direction()).toxicity(random.nextInt(4) == 0 ? random.nextDouble() : 1.0).named(name);
        if (steady.contains(name)) {
            Fault update = fault;
            control("update", () -> route.updateFault(update));
        } else {
            steady.add(name);
            Fault add = fault;
            control("add", () -> route.addFault(add));
        }
    }

    private Fault slicer() {
        int average = 512 + random.nextInt(8 * 1024);
        return Fault.slicer(average, random.nextInt(average / 2), Duration.ofNanos(random.nextInt(200_000)));
    }

    /** The four kinds of cut in turn, so a short run meets each of them. */
    private void cut() {
        double toxicity = 0.1 + 0.9 * random.nextDouble();
        switch ((int) (cutsDone++ % 4)) {
            case 0 -> timed("terminate", Fault.terminate(0.001 + 0.009 * random.nextDouble()).direction(direction()),
                    millis(500, 3000));
            case 1 -> {
                Duration after = millis(0, 1500);
                timed("resetPeer", Fault.resetPeer(after).toxicity(toxicity), after.plus(millis(500, 2000)));
            }
            // At least a header's worth, so the upstream always learns which connection a limited stream is;
            // one direction, so the soak knows which stream the limit may end with a FIN.
            case 2 -> timed("limitData", Fault.limitData(Header.LENGTH + random.nextLong(maxBytes))
                    .direction(random.nextBoolean() ? Direction.UPSTREAM : Direction.DOWNSTREAM).toxicity(toxicity),
                    millis(500, 3000));
            default -> {
                cutHappened("closeConnections", "closeConnections()");
                control("closeConnections", route::closeConnections);
            }
        }
    }

    /** Adds {@code fault} for {@code lasting}, unless one of that kind is on already. */
    private void timed(String kind, Fault fault, Duration lasting) {
        String name = "timed-" + kind;
        if (expiries.containsKey(name)) {
            return;
        }
        if (!kind.equals("stall")) {
            cutHappened(kind, fault.type() + fault.attributes() + " " + fault.direction() + " toxicity "
                    + String.format("%.2f", fault.toxicity()));
        }
        expiries.put(name, System.nanoTime() + lasting.toNanos());
        control(kind, () -> route.addFault(fault.named(name)));
    }

    private void removeExpired() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<String, Long>> it = expiries.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Long> expiry = it.next();
            if (expiry.getValue() <= now) {
                it.remove();
                control("remove", () -> route.removeFault(expiry.getKey()));
            }
        }
    }

    private void cutHappened(String kind, String what) {
        lastCutKind = kind;
        lastCut = what;
        lastCutNanos = System.nanoTime();
    }

    /** Runs one change and counts it; an exception from a valid call is the proxy's failure. */
    private void control(String kind, Runnable change) {
        actions.computeIfAbsent(kind, k -> new LongAdder()).increment();
        try {
            change.run();
        } catch (RuntimeException e) {
            tally.failure(Tally.Failure.CONTROL_ERROR, kind + ": " + e);
        }
    }

    private Direction direction() {
        return DIRECTIONS[random.nextInt(DIRECTIONS.length)];
    }

    private Duration millis(int min, int max) {
        return Duration.ofMillis(min + random.nextInt(max - min + 1));
    }

    /** The kind of the last cut, e.g. {@code closeConnections}, or {@code no cut}. */
    String lastCutKind() {
        return lastCutKind;
    }

    /** The faults on the route now and the last cut, for a failure's report. */
    String describe() {
        String cut = lastCutNanos == 0 ? "none"
                : String.format("%s %.2f s before", lastCut, (System.nanoTime() - lastCutNanos) / 1e9);
        return "faults on: " + route.faults().stream().map(Fault::name).toList() + "; last cut: " + cut;
    }

    void print(PrintStream out) {
        List<String> counts = new ArrayList<>();
        new TreeMap<>(actions).forEach((kind, n) -> counts.add(kind + " " + n.sum()));
        out.println("fault schedule: " + (counts.isEmpty() ? "no change" : String.join(", ", counts)));
    }
}
