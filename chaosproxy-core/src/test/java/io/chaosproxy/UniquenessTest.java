package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.chaosproxy.DuplicateException.Kind;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Route names, fixed ports and fault names are unique, decided in one place: the builder, {@code addRoute} and a
 * running route's fault changes all answer with a {@link DuplicateException} of the right kind.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UniquenessTest {
    private static final Duration MS = Duration.ofMillis(1);

    @Test
    void theBuilderRejectsASecondRouteOfTheSameName() {
        DuplicateException e = catchThrowableOfType(() -> ChaosProxy.builder()
                .route(0, "127.0.0.1:9").name("db")
                .route(0, "127.0.0.1:10").name("db")
                .start(), DuplicateException.class);
        assertThat(e.kind()).isEqualTo(Kind.ROUTE_NAME);
        assertThat(e.route()).isEqualTo("db");
        assertThat(e.value()).isEqualTo("db");
        assertThat(e).hasMessage("route 'db': name is used by routes[0] too; route names must be unique");
    }

    @Test
    void aGivenNameMayClashWithADefaultOne() {
        DuplicateException e = catchThrowableOfType(() -> ChaosProxy.builder()
                .route(0, "127.0.0.1:9").name("route-1")
                .route(0, "127.0.0.1:10")   // route-1 by default
                .start(), DuplicateException.class);
        assertThat(e.kind()).isEqualTo(Kind.ROUTE_NAME);
        assertThat(e.value()).isEqualTo("route-1");
    }

    @Test
    void theBuilderRejectsASecondRouteOnTheSameFixedPortButNotOnPortZero() throws Exception {
        DuplicateException e = catchThrowableOfType(() -> ChaosProxy.builder()
                .route(18180, "127.0.0.1:9").name("api")
                .route(18180, "127.0.0.1:10").name("web")
                .start(), DuplicateException.class);
        assertThat(e.kind()).isEqualTo(Kind.LOCAL_PORT);
        assertThat(e.route()).isEqualTo("web");
        assertThat(e.value()).isEqualTo("18180");
        assertThat(e).hasMessage("route 'web': localPort 18180 is used by route 'api' too; use another port or 0");

        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).route(0, upstream.address())
                        .start()) {
            assertThat(proxy.routes()).hasSize(2);
        }
    }

    @Test
    void theBuilderRejectsASecondFaultOfTheSameNameAtOnce() {
        RouteBuilder route = ChaosProxy.builder().route(0, "127.0.0.1:9").name("db").latency(MS);
        DuplicateException e = catchThrowableOfType(() -> route.fault(Fault.timeout(MS).named("latency_downstream")),
                DuplicateException.class);
        assertThat(e.kind()).isEqualTo(Kind.FAULT_NAME);
        assertThat(e.route()).isEqualTo("db");
        assertThat(e.value()).isEqualTo("latency_downstream");
        assertThat(e).hasMessageStartingWith("route 'db': a fault named 'latency_downstream' exists already;")
                .hasMessageContaining("unique").hasMessageContaining("named(...)");
    }

    @Test
    void aRunningProxyAnswersTheSameAndStaysAsItWas() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db").latency(MS).start()) {
            Route db = proxy.route("db");
            assertThat(catchThrowableOfType(() -> proxy.addRoute(0, upstream.address(), r -> r.name("db")),
                    DuplicateException.class).kind()).isEqualTo(Kind.ROUTE_NAME);
            DuplicateException port = catchThrowableOfType(() -> proxy.addRoute(db.localPort(), upstream.address(),
                    r -> r.name("other")), DuplicateException.class);
            assertThat(port.kind()).isEqualTo(Kind.LOCAL_PORT);
            assertThat(port).hasMessageContaining("is used by route 'db' too");
            assertThat(catchThrowableOfType(() -> db.addFault(Fault.bandwidth(1).named("latency_downstream")),
                    DuplicateException.class).kind()).isEqualTo(Kind.FAULT_NAME);
            assertThat(catchThrowableOfType(() -> db.setFaults(List.of(Fault.latency(MS), Fault.latency(MS))),
                    DuplicateException.class).kind()).isEqualTo(Kind.FAULT_NAME);

            assertThat(proxy.routes()).containsExactly(db);
            assertThat(db.faults()).containsExactly(Fault.latency(MS));
            assertThat(proxy.addRoute(0, upstream.address()).name()).isEqualTo("route-1");   // no index lost
        }
    }

    @Test
    void checkRouteAsksTheSameRulesWithoutChangingAnything() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder()
                        .route(0, upstream.address()).name("db")
                        .route(0, upstream.address()).name("api").enabled(false)
                        .start()) {
            int apiPort = proxy.route("api").localPort();
            DuplicateException e = catchThrowableOfType(() -> proxy.checkRoute("db", apiPort, upstream.address()),
                    DuplicateException.class);
            assertThat(e.kind()).isEqualTo(Kind.LOCAL_PORT);
            assertThat(e).hasMessage("route 'db': localPort " + apiPort + " is used by route 'api' too;"
                    + " use another port or 0");
            proxy.checkRoute("db", proxy.route("db").localPort(), upstream.address());   // its own port: fine
            proxy.checkRoute("api", apiPort, "127.0.0.1:1");
            assertThatThrownBy(() -> proxy.checkRoute("db", 0, "nocolon"))
                    .isNotInstanceOf(DuplicateException.class).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("route 'db': upstream \"nocolon\" has no port;"
                            + " expected host:port, ip:port or [ipv6]:port");
            assertThat(proxy.routes()).extracting(Route::name).containsExactly("db", "api");
        }
    }

    @Test
    @SuppressWarnings("deprecation")
    void resetIsKeptAsAnAliasOfRestoreFaults() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).latency(MS).start()) {
            Route route = proxy.routes().get(0);
            route.clearFaults().disable();
            route.reset();
            assertThat(route.faults()).containsExactly(Fault.latency(MS));
            assertThat(route.isEnabled()).isTrue();
            route.clearFaults().disable();
            proxy.reset();
            assertThat(route.faults()).containsExactly(Fault.latency(MS));
            assertThat(route.isEnabled()).isTrue();
        }
    }
}
