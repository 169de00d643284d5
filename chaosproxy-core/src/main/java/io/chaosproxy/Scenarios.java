package io.chaosproxy;

import io.chaosproxy.internal.Engine;
import io.chaosproxy.internal.RouteRuntime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A proxy's scenario runs: ids, seeds, and the live ones, so that removing a route or closing the proxy cancels
 * them. Thread-safe.
 */
final class Scenarios {
    private final Engine engine;
    private final long seed;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, ScenarioRun> live = new ConcurrentSkipListMap<>();
    private final Map<String, AtomicLong> playsByRoute = new ConcurrentHashMap<>();

    Scenarios(Engine engine, long seed) {
        this.engine = engine;
        this.seed = seed;
    }

    /**
     * Starts {@code scenario} on {@code route}. Its random draws come from the proxy's seed, split by the route's
     * name and the number of this play on that route, so the n-th play on a route replays whatever else runs.
     */
    ScenarioRun play(Route route, Scenario scenario) {
        long play = playsByRoute.computeIfAbsent(route.name(), name -> new AtomicLong()).incrementAndGet();
        long runSeed = RouteRuntime.routeSeed(seed, route.name() + "\u0000scenario-" + play);
        long id = ids.incrementAndGet();
        ScenarioRun[] made = new ScenarioRun[1];
        ScenarioRun run = new ScenarioRun(id, route, scenario, engine, runSeed, () -> live.remove(id, made[0]));
        made[0] = run;
        live.put(id, run);
        run.start();
        if (route.runtime().stoppedForGood()) {
            run.cancel();   // removed since play() checked, maybe after removeRoute cancelled the runs it saw
        }
        return run;
    }

    /** The runs still playing on {@code route}, oldest first. */
    List<ScenarioRun> runs(String route) {
        return live.values().stream().filter(run -> run.route().equals(route)).toList();
    }

    /** Every run still playing, oldest first. */
    List<ScenarioRun> runs() {
        return List.copyOf(live.values());
    }

    /** Cancels the runs of {@code route} (it was removed). */
    void cancel(String route) {
        runs(route).forEach(ScenarioRun::cancel);
    }

    /** Cancels every run (the proxy is closing). */
    void cancelAll() {
        runs().forEach(ScenarioRun::cancel);
    }
}
