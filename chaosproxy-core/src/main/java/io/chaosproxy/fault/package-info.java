/**
 * The faults chaos-proxy can inject: one immutable value type per fault, and beside it the package-private
 * stage that applies it to a stream.
 */
package io.chaosproxy.fault;
