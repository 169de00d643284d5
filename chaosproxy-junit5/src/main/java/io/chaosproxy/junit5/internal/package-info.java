/**
 * How {@link io.chaosproxy.junit5.ChaosProxyExtension} reads annotations, starts proxies and keeps them in
 * JUnit's store.
 *
 * <p>Not API: may change in any release.
 */
package io.chaosproxy.junit5.internal;
