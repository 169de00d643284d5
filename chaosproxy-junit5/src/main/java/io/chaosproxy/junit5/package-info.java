/**
 * chaos-proxy for JUnit Jupiter 5.10+ and 6: {@link io.chaosproxy.junit5.ChaosRoute @ChaosRoute} on a test class
 * or method puts a proxy route in front of an upstream; {@link io.chaosproxy.junit5.ChaosProxyExtension} does the
 * same programmatically.
 */
package io.chaosproxy.junit5;
