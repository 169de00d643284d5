/**
 * The Trixter-compatible mode of the standalone proxy: Trixter's flags, its per-connection REST API and its
 * knobs, each knob a fault of one connection. Started by {@code Main} when {@code --listen}/{@code --upstream}
 * are given.
 */
package io.chaosproxy.cli.trixter;
