/**
 * The NIO engine behind {@link io.chaosproxy.ChaosProxy}: event loops, connections, pipes, buffers and timers.
 *
 * <p>Not API: may change in any release.
 */
package io.chaosproxy.internal;
