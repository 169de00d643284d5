package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ProxyMetrics;
import io.chaosproxy.Route;
import io.chaosproxy.UpstreamMetrics;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: the proxy's counts in Prometheus text format, read from {@link Route#metrics()} at
 * each scrape: connections per proxy, bytes per direction, faults injected by type, upstream errors by kind,
 * clients refused by a limit or for want of an upstream, each upstream's connections, failures, health and
 * breaker (label {@code upstream}, the target as given), uptime.
 */
final class MetricsHandler extends Resource {
    private final ChaosProxy proxy;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    MetricsHandler(ChaosProxy proxy) {
        this.proxy = proxy;
        counter("chaosproxy_connections_accepted", "Connections accepted", ProxyMetrics::acceptedConnections);
        counter("chaosproxy_connections_dropped", "Connections dropped by a fault", ProxyMetrics::droppedConnections);
        counter("chaosproxy_bytes_corrupted", "Bytes changed by corrupt faults", ProxyMetrics::bytesCorrupted);
        counter("chaosproxy_connections_refused_by_limit", "Clients closed at once by maxConnections or"
                + " connectionRate", ProxyMetrics::connectionsRefusedByLimit);
        counter("chaosproxy_connections_no_upstream", "Clients closed because no upstream could be reached",
                ProxyMetrics::noUpstream);
        gauge("chaosproxy_connections_active", "Live connections", ProxyMetrics::activeConnections);
        gauge("chaosproxy_buffered_bytes", "Bytes held by the proxy now", ProxyMetrics::bufferedBytes);
        CounterWithCallback.builder().name("chaosproxy_bytes").help("Bytes forwarded, by direction")
                .labelNames("proxy", "direction")
                .callback(cb -> eachRoute((route, m) -> {
                    cb.call(m.bytesUpstream(), route.name(), "upstream");
                    cb.call(m.bytesDownstream(), route.name(), "downstream");
                })).register(registry);
        CounterWithCallback.builder().name("chaosproxy_faults_injected").help("Times a fault acted, by type")
                .labelNames("proxy", "type")
                .callback(cb -> eachRoute((route, m) -> m.faultsInjected()
                        .forEach((type, count) -> cb.call(count, route.name(), type)))).register(registry);
        CounterWithCallback.builder().name("chaosproxy_upstream_errors").help("Failed upstream connects, by kind")
                .labelNames("proxy", "kind")
                .callback(cb -> eachRoute((route, m) -> m.upstreamFailures()
                        .forEach((kind, count) -> cb.call(count, route.name(), kind)))).register(registry);
        upstreamGauge("chaosproxy_upstream_connections_active", "Connections open to an upstream now",
                UpstreamMetrics::activeConnections);
        upstreamCounter("chaosproxy_upstream_connections", "Connections made to an upstream",
                UpstreamMetrics::connectionsTotal);
        upstreamCounter("chaosproxy_upstream_connect_failures", "Failed connects to an upstream",
                UpstreamMetrics::connectFailures);
        upstreamGauge("chaosproxy_upstream_healthy", "1 unless the upstream fails its health check",
                m -> m.healthy() ? 1 : 0);
        upstreamGauge("chaosproxy_upstream_breaker_open", "1 while the upstream's circuit breaker skips it",
                m -> m.breakerOpen() ? 1 : 0);
        upstreamCounter("chaosproxy_upstream_health_changes", "Times an upstream's health changed, either way",
                UpstreamMetrics::healthChanges);
        upstreamCounter("chaosproxy_upstream_breaker_openings", "Times an upstream's circuit breaker opened",
                UpstreamMetrics::breakerOpenings);
        GaugeWithCallback.builder().name("chaosproxy_uptime_seconds").help("Seconds since the proxy started")
                .callback(cb -> cb.call(proxy.metrics().uptime().toMillis() / 1000.0)).register(registry);
        GaugeWithCallback.builder().name("chaosproxy_proxies").help("Proxies (routes) configured")
                .callback(cb -> cb.call(proxy.routes().size())).register(registry);
    }

    @Override
    Response get(Request request) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Response.text(200, out.toByteArray(), writer.getContentType());
    }

    private void counter(String name, String help, ToDoubleFunction<ProxyMetrics> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("proxy")
                .callback(cb -> eachRoute((route, m) -> cb.call(value.applyAsDouble(m), route.name())))
                .register(registry);
    }

    private void gauge(String name, String help, ToDoubleFunction<ProxyMetrics> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("proxy")
                .callback(cb -> eachRoute((route, m) -> cb.call(value.applyAsDouble(m), route.name())))
                .register(registry);
    }

    private void upstreamCounter(String name, String help, ToDoubleFunction<UpstreamMetrics> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("proxy", "upstream")
                .callback(cb -> eachUpstream(m -> cb.call(value.applyAsDouble(m), m.route(), m.address())))
                .register(registry);
    }

    private void upstreamGauge(String name, String help, ToDoubleFunction<UpstreamMetrics> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("proxy", "upstream")
                .callback(cb -> eachUpstream(m -> cb.call(value.applyAsDouble(m), m.route(), m.address())))
                .register(registry);
    }

    private void eachUpstream(Consumer<UpstreamMetrics> action) {
        for (Route route : proxy.routes()) {
            route.upstreams().forEach(upstream -> action.accept(upstream.metrics()));
        }
    }

    private void eachRoute(BiConsumer<Route, ProxyMetrics> action) {
        for (Route route : proxy.routes()) {
            action.accept(route, route.metrics());
        }
    }
}
