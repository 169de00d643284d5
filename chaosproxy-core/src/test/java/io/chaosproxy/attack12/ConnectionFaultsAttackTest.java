package io.chaosproxy.attack12;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.ChaosConnection;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.TcpServer;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection's own faults (ChaosConnection.addFault, updateFault, removeFault, ownFaults) against its route's:
 * names shared between the two, toxicity decisions kept or rolled again, calls on a closed connection.
 */
@Timeout(60)
class ConnectionFaultsAttackTest {

    @Test
    void aRouteFaultAddedUnderANameAConnectionUsesReachesItOnceItsOwnIsGone() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(12).shutdownTimeout(Duration.ZERO)
                        .route(0, upstream.address()).start();
                Socket client = Bytes.connect(proxy.routes().get(0).localPort())) {
            Route route = proxy.routes().get(0);
            ChaosConnection connection = live(route);
            connection.addFault(Fault.latency(Duration.ofMillis(10)).named("x"));
            route.addFault(Fault.bandwidth(1000).named("x"));   // the route's: every live connection gets it

            connection.removeFault("x");
            assertThat(connection.ownFaults()).isEmpty();
            assertThat(connection.faults()).as("the route's faults on the connection")
                    .containsExactly(Fault.bandwidth(1000).named("x"));
        }
    }

    @Test
    void aValueChangeKeepsTheTogglingDecisionAndAToxicityChangeRollsAgain() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(12).shutdownTimeout(Duration.ZERO)
                        .route(0, upstream.address()).start()) {
            Route route = proxy.routes().get(0);
            List<Socket> clients = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 40; i++) {
                    clients.add(Bytes.connect(route.localPort()));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> route.connections().size() == 40);
                List<ChaosConnection> connections = route.connections();
                Fault half = Fault.latency(Duration.ofMillis(10)).toxicity(0.5).named("half");
                connections.forEach(c -> c.addFault(half));
                List<Boolean> first = active(connections, "half");
                assertThat(first).contains(true, false);

                connections.forEach(c -> c.updateFault(Fault.latency(Duration.ofMillis(20)).toxicity(0.5).named("half")));
                assertThat(active(connections, "half")).as("value only: decisions kept").isEqualTo(first);

                connections.forEach(c -> c.updateFault(Fault.latency(Duration.ofMillis(20)).toxicity(0.6).named("half")));
                assertThat(active(connections, "half")).as("toxicity changed: rolled again").isNotEqualTo(first);
                assertThat(connections).allSatisfy(c -> assertThat(c.ownFaults()).extracting(Fault::toxicity)
                        .containsExactly(0.6));
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
        }
    }

    @Test
    void changesToAClosedConnectionAreHarmlessAndSaySo() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(12).shutdownTimeout(Duration.ZERO)
                        .route(0, upstream.address()).start()) {
            Route route = proxy.routes().get(0);
            ChaosConnection connection;
            try (Socket client = Bytes.connect(route.localPort())) {
                connection = live(route);
                connection.addFault(Fault.latency(Duration.ofMillis(10)).named("x"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !connection.isOpen());
            connection.addFault(Fault.noop().named("y"));   // "adding to a closed connection is harmless"
            connection.updateFault(Fault.latency(Duration.ofMillis(20)).named("x"));
            connection.removeFault("x");
            connection.close();
            connection.reset();
            assertThat(connection.ownFaults()).extracting(Fault::name).containsExactly("x");
        }
    }

    private static ChaosConnection live(Route route) {
        return await().atMost(Duration.ofSeconds(10)).until(route::connections, list -> !list.isEmpty()).get(0);
    }

    private static List<Boolean> active(List<ChaosConnection> connections, String name) {
        return connections.stream().map(c -> c.faults().stream().anyMatch(f -> f.name().equals(name))).toList();
    }
}
