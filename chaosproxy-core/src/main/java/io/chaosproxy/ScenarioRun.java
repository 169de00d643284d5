package io.chaosproxy;

import io.chaosproxy.internal.Engine;
import io.chaosproxy.internal.ScenarioClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scenario} playing on a route, from {@link Route#play}: wait for it, cancel it, read the steps done.
 *
 * <p>Each step runs at its offset from the run's start on the proxy's scenario thread
 * ({@code chaos-proxy-scenario-<n>}), never on an event loop; offsets are from the start, so a late step never
 * makes the ones after it late. A step that fails (removing a fault the route does not have) changes nothing: it is
 * logged, told as a failed {@link ChaosEvent.ScenarioStepDone} and counted in {@link #stepsFailed()}, and the run
 * goes on. The run ends when its last cycle is done, or when it is cancelled: by {@link #cancel()}, by removing its
 * route, or by closing the proxy. Thread-safe.
 */
public final class ScenarioRun {
    private static final Logger log = LoggerFactory.getLogger(ScenarioRun.class);
    /** How many of the latest steps {@link #steps()} keeps: a run may go on for ever. */
    static final int HISTORY = 1000;

    private final long id;
    private final Route route;
    private final Scenario scenario;
    private final Engine engine;
    private final Runnable onEnd;
    private final SplittableRandom random;   // under lock: the flapping's draws
    private final ReentrantLock lock = new ReentrantLock();   // held while a step runs
    private final CountDownLatch ended = new CountDownLatch(1);
    private final ArrayDeque<ChaosEvent.ScenarioStepDone> history = new ArrayDeque<>();   // guarded by itself
    private volatile boolean cancelRequested;
    private volatile String outcome;          // null while running
    private volatile ScheduledFuture<?> next;
    private volatile long stepsDone;          // written under lock
    private volatile long stepsFailed;        // written under lock
    private long startNanos;                  // the rest under lock
    private long cycle;
    private long cycleStartNanos;             // from startNanos
    private List<Scenario.TimedStep> cycleSteps;
    private int index;

    ScenarioRun(long id, Route route, Scenario scenario, Engine engine, long seed, Runnable onEnd) {
        this.id = id;
        this.route = route;
        this.scenario = scenario;
        this.engine = engine;
        this.random = new SplittableRandom(seed);
        this.onEnd = onEnd;
    }

    /** The run's id, unique within the proxy, from 1 in the order of plays. */
    public long id() {
        return id;
    }

    /** The name of the route it plays on. */
    public String route() {
        return route.name();
    }

    /** What it plays. */
    public Scenario scenario() {
        return scenario;
    }

    /** Whether it ended: every cycle played, or cancelled. */
    public boolean isDone() {
        return outcome != null;
    }

    /** Whether it ended by being cancelled (its route removed, the proxy closed, or {@link #cancel()}). */
    public boolean isCancelled() {
        return "cancelled".equals(outcome);
    }

    /** Steps done so far, failed ones included. */
    public long stepsDone() {
        return stepsDone;
    }

    /** Steps that failed so far; each is logged and told as an event with its error. */
    public long stepsFailed() {
        return stepsFailed;
    }

    /** The steps done, oldest first: each with its cycle, when it was due, how late it was, and any error. The latest 1000. */
    public List<ChaosEvent.ScenarioStepDone> steps() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /**
     * Waits until the run ends, for at most {@code timeout}; true when it did, and then its
     * {@link ChaosEvent.ScenarioEnded} has been told and journaled. A run that repeats for ever ends only when
     * cancelled.
     *
     * @throws IllegalStateException from the scenario thread (a listener told of a step), which would wait for itself
     */
    public boolean await(Duration timeout) throws InterruptedException {
        if (lock.isHeldByCurrentThread() && isDone()) {
            return true;   // a listener told of this run's end, on the thread ending it: the latch opens after it
        }
        if (engine.scenarioClock().onClockThread() && !isDone()) {
            throw new IllegalStateException("scenario run " + id + ": await() on the scenario thread would wait for"
                    + " itself; await from another thread");
        }
        return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops the run: no step starts after this returns. A step under way on the scenario thread is finished first,
     * and waited for, except when called from an event loop (a listener), which never waits: then that one step
     * may still end after this returns. What steps changed stays; {@link Route#restoreFaults()} undoes it.
     * Idempotent.
     */
    public void cancel() {
        cancelRequested = true;
        ScheduledFuture<?> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
        if (Engine.onAnyLoop()) {
            if (!lock.tryLock()) {
                return;   // the step under way sees cancelRequested and ends the run
            }
        } else {
            lock.lock();
        }
        try {
            end("cancelled");
        } finally {
            lock.unlock();
        }
    }

    /** Starts playing: the first cycle's offsets count from now. */
    void start() {
        lock.lock();
        try {
            startNanos = System.nanoTime();
            cycleSteps = scenario.cycle(random);
            scheduleNext();
        } finally {
            lock.unlock();
        }
    }

    /** Schedules the next step, moving on to the next cycle, or ends the run after the last. Under lock. */
    private void scheduleNext() {
        if (cancelRequested) {
            end("cancelled");
            return;
        }
        if (index == cycleSteps.size()) {
            cycle++;
            if (scenario.times() != Scenario.FOREVER && cycle >= scenario.times()) {
                end("completed");
                return;
            }
            cycleStartNanos += scenario.lengthOf(cycleSteps).toNanos();
            cycleSteps = scenario.cycle(random);
            index = 0;
        }
        long due = startNanos + cycleStartNanos + cycleSteps.get(index).at().toNanos();
        try {
            next = engine.scenarioClock().runAt(due, this::fire);
        } catch (RejectedExecutionException closed) {
            end("cancelled");   // the proxy is closing
        }
    }

    private void fire() {
        lock.lock();
        try {
            if (outcome != null || cancelRequested) {
                end("cancelled");
                return;
            }
            runStep();
            index++;
            scheduleNext();
        } finally {
            lock.unlock();
        }
    }

    private void runStep() {
        Scenario.TimedStep timed = cycleSteps.get(index);
        long scheduled = cycleStartNanos + timed.at().toNanos();
        long late = System.nanoTime() - startNanos - scheduled;
        String error = null;
        try {
            apply(timed.step(), route);
        } catch (RuntimeException e) {
            error = e.getMessage() != null ? e.getMessage() : e.toString();
            stepsFailed++;
            log.warn("chaos-proxy route={} scenario={} cycle={} step=\"{}\" failed: {}; the scenario goes on",
                    route.name(), id, cycle, timed.step(), error);
        }
        stepsDone++;
        ChaosEvent.ScenarioStepDone done = new ChaosEvent.ScenarioStepDone(route.name(), id, cycle, index,
                timed.step(), Duration.ofNanos(scheduled), Duration.ofNanos(Math.max(0, late)), error);
        synchronized (history) {
            if (history.size() == HISTORY) {
                history.removeFirst();
            }
            history.addLast(done);
        }
        if (log.isDebugEnabled()) {
            log.debug("chaos-proxy route={} scenario={} cycle={} step=\"{}\" at={}ms late={}us", route.name(), id,
                    cycle, timed.step(), scheduled / 1_000_000, late / 1_000);
        }
        engine.publish(() -> done);
    }

    /** Does {@code step} on {@code route}: the Route method of its name. */
    static void apply(Step step, Route route) {
        if (step instanceof Step.AddFault add) {
            route.addFault(add.fault());
        } else if (step instanceof Step.UpdateFault update) {
            route.updateFault(update.fault());
        } else if (step instanceof Step.RemoveFault remove) {
            route.removeFault(remove.name());
        } else if (step instanceof Step.SetFaults set) {
            route.setFaults(set.faults());
        } else if (step instanceof Step.Disable) {
            route.disable();
        } else if (step instanceof Step.Enable) {
            route.enable();
        } else if (step instanceof Step.CloseConnections) {
            route.closeConnections();
        } else {
            throw new IllegalArgumentException("unknown step " + step);   // Step is sealed: never
        }
    }

    /** Ends the run once, telling the listeners. Under lock. */
    private void end(String how) {
        if (outcome != null) {
            return;
        }
        outcome = how;
        ScheduledFuture<?> pending = next;
        if (pending != null) {
            pending.cancel(false);
        }
        onEnd.run();
        engine.publish(() -> new ChaosEvent.ScenarioEnded(route.name(), id, how, stepsDone, stepsFailed));
        ended.countDown();   // after the event: whoever await()s then reads it in the journal
    }

    @Override
    public String toString() {
        String state = outcome == null ? "running" : outcome;
        return "ScenarioRun{id=" + id + ", route=" + route.name() + ", " + state + ", steps=" + stepsDone
                + (stepsFailed > 0 ? " (" + stepsFailed + " failed)" : "") + "}";
    }
}
