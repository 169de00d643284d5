package io.chaosproxy.cli.admin;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ProxyMetrics;
import io.chaosproxy.Route;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BiConsumer;
import java.util.function.ToDoubleFunction;

/**
 * {@code GET /metrics}: the proxy's counts in Prometheus text format, read from {@link Route#metrics()} at
 * each scrape: connections per proxy, bytes per direction, faults injected by type, upstream errors by kind,
 * uptime.
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

    private void eachRoute(BiConsumer<Route, ProxyMetrics> action) {
        for (Route route : proxy.routes()) {
            action.accept(route, route.metrics());
        }
    }
}
