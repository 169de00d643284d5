package io.chaosproxy;

import java.time.Duration;

/**
 * Something that happened on a route, as told to a {@link ChaosListener}: most events are about one connection; a
 * change of an upstream's health or circuit breaker ({@link UpstreamHealthChanged}, {@link CircuitBreakerChanged})
 * is about the upstream, and a scenario's step or end ({@link ScenarioStepDone}, {@link ScenarioEnded}) about the
 * route: those have no connection.
 */
public sealed interface ChaosEvent {

    /** The connection it happened on; null for an event about an upstream rather than a connection. */
    ChaosConnection connection();

    /** The name of the route it happened on. */
    default String route() {
        return connection().route();
    }

    /**
     * A connection was accepted; no byte has flowed and the upstream has not been contacted. A listener may
     * give it faults of its own now ({@link ChaosConnection#addFault}) and they apply from the first byte.
     */
    record ConnectionOpened(ChaosConnection connection) implements ChaosEvent {
    }

    /**
     * A connection ended.
     *
     * @param reason why: {@code completed}, {@code dropped}, {@code reset by client}, {@code upstream failed},
     *               the fault that cut it, ...
     */
    record ConnectionClosed(ChaosConnection connection, long bytesUpstream, long bytesDownstream, Duration duration,
            String reason) implements ChaosEvent {
    }

    /**
     * A fault acted on a connection.
     *
     * @param detail what it did, e.g. {@code delay=212ms}, {@code bytes=1 at=4711}, {@code mode=reset}
     */
    record FaultInjected(ChaosConnection connection, Fault fault, String detail) implements ChaosEvent {
    }

    /**
     * The upstream could not be reached.
     *
     * @param kind {@code refused}, {@code timeout}, {@code unreachable}, {@code unresolved} (a route that
     *             resolves its upstream on each connection found no such host) or {@code other}
     */
    record UpstreamError(ChaosConnection connection, String kind, String message) implements ChaosEvent {
    }

    /**
     * No upstream of the route could be reached, so the client's connection is closed: each target tried failed
     * (an {@link UpstreamError} each), or none was usable (unhealthy, or its circuit breaker open).
     *
     * @param tried  the targets tried, in order; empty when none was usable
     */
    record NoUpstream(ChaosConnection connection, java.util.List<String> tried) implements ChaosEvent {

        /** Copies the list. */
        public NoUpstream {
            tried = java.util.List.copyOf(tried);
        }
    }

    /**
     * An upstream's health check changed its mind. Told on the route's health-check thread.
     *
     * @param upstream the upstream as given, e.g. {@code "127.0.0.1:7002"}
     * @param healthy  whether it is healthy now
     * @param reason   what the probe saw, e.g. {@code connected in 1ms} or {@code refused}
     */
    record UpstreamHealthChanged(String route, String upstream, boolean healthy, String reason)
            implements ChaosEvent {

        /** None: the event is about an upstream. */
        @Override
        public ChaosConnection connection() {
            return null;
        }
    }

    /**
     * An upstream's circuit breaker changed state. Told on the event loop of the connection whose connect decided.
     *
     * @param upstream the upstream as given
     * @param state    {@code open} (the target is skipped for the cool-down), {@code half_open} (one trial
     *                 connection is under way) or {@code closed} (the target is used again)
     */
    record CircuitBreakerChanged(String route, String upstream, String state) implements ChaosEvent {

        /** None: the event is about an upstream. */
        @Override
        public ChaosConnection connection() {
            return null;
        }
    }

    /**
     * A {@link Scenario}'s step was done on a route (see {@link Route#play}). Told on the proxy's scenario thread,
     * right after the step.
     *
     * @param run       the run's id ({@link ScenarioRun#id()})
     * @param cycle     which cycle of the scenario, from 0
     * @param index     which step of the cycle, from 0
     * @param step      what was done
     * @param scheduled when it was due, from the run's start
     * @param late      how much later than due it began (its timing error)
     * @param error     why it failed, e.g. {@code route 'db' has no fault named 'cut'; it has []}; null when it
     *                  succeeded. A failed step changes nothing, and the run goes on.
     */
    record ScenarioStepDone(String route, long run, long cycle, int index, Step step, java.time.Duration scheduled,
            java.time.Duration late, String error) implements ChaosEvent {

        /** None: the event is about a route. */
        @Override
        public ChaosConnection connection() {
            return null;
        }

        /** Whether the step failed. */
        public boolean failed() {
            return error != null;
        }
    }

    /**
     * A scenario's run ended. Told on the scenario thread, or on the thread that cancelled it.
     *
     * @param outcome     {@code completed} (every cycle played) or {@code cancelled} (by {@link ScenarioRun#cancel()},
     *                    its route removed or the proxy closed)
     * @param stepsDone   steps done, failed ones included
     * @param stepsFailed steps that failed
     */
    record ScenarioEnded(String route, long run, String outcome, long stepsDone, long stepsFailed)
            implements ChaosEvent {

        /** None: the event is about a route. */
        @Override
        public ChaosConnection connection() {
            return null;
        }
    }
}
