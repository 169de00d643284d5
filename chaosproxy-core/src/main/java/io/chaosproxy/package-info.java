/**
 * chaos-proxy: an in-process TCP proxy that injects network faults into the traffic of integration tests.
 * Start with {@link io.chaosproxy.ChaosProxy#builder()}.
 */
package io.chaosproxy;
