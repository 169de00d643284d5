/**
 * Config files (JSON or YAML) read into the same {@link io.chaosproxy.ChaosProxy.Builder} the fluent API uses;
 * start from {@link ConfigLoader#load(java.nio.file.Path)}.
 */
package io.chaosproxy.config;
