/**
 * Toxiproxy's REST API over a {@link io.chaosproxy.ChaosProxy}: {@link io.chaosproxy.cli.admin.AdminServer}
 * and one handler per REST resource.
 */
package io.chaosproxy.cli.admin;
