package io.chaosproxy;

/**
 * Told of every {@link ChaosEvent} of a proxy, on the event loop of the connection concerned (an upstream's
 * {@link ChaosEvent.UpstreamHealthChanged} on its route's health-check thread, a scenario's
 * {@link ChaosEvent.ScenarioStepDone} on the proxy's scenario thread): keep it quick and never block. An
 * exception it throws is logged and never breaks the proxy.
 */
@FunctionalInterface
public interface ChaosListener {

    /** Called for each event, in the order they happen on that connection. */
    void onEvent(ChaosEvent event);
}
