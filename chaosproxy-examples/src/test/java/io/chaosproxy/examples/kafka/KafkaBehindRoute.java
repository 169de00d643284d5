package io.chaosproxy.examples.kafka;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Route;
import java.nio.file.Path;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker in this JVM (KRaft, one node that is broker and controller; no ZooKeeper, no Docker) that
 * clients reach only through chaos-proxy route {@value #ROUTE}.
 *
 * <pre>
 * client --bootstrap 127.0.0.1:P--> [route "kafka" on P] --> broker listener CLIENT on B, advertised as 127.0.0.1:P
 * </pre>
 *
 * The broker advertises the proxy's address on the listener clients use. That is the step Toxiproxy users most
 * often miss: a client bootstraps through the proxy, reads the broker's advertised address from the metadata, and
 * from then on connects there, so with the broker's own address every produce and fetch bypasses the proxy.
 * Here nothing ever tells a client port B. The broker keeps a second listener, EXTERNAL, for its own
 * (inter-broker) traffic, so that none of it goes through the faults a test puts on the route.
 */
final class KafkaBehindRoute implements AutoCloseable {
    static final String ROUTE = "kafka";
    private static final String CLIENT = "CLIENT";
    // Held only until the broker is up; no client connects before that, so nothing is ever sent to it.
    private static final String NO_BROKER_YET = "127.0.0.1:1";

    private final ChaosProxy proxy;
    private final KafkaClusterTestKit cluster;
    private final int proxyPort;
    private final int brokerPort;

    private KafkaBehindRoute(ChaosProxy proxy, KafkaClusterTestKit cluster, int proxyPort, int brokerPort) {
        this.proxy = proxy;
        this.cluster = cluster;
        this.proxyPort = proxyPort;
        this.brokerPort = brokerPort;
    }

    /** Starts the proxy, then the broker (its logs under {@code dir}), then points the route at the broker. */
    static KafkaBehindRoute start(Path dir) throws Exception {
        // A chicken and an egg: the broker's config needs the proxy's port (it is the advertised address), and
        // the route needs the broker's port (its upstream), which exists only once the broker has bound it.
        // Routes cannot change their upstream, so:
        //  1. bind the route on an ephemeral port P with a placeholder upstream: the proxy holds P meanwhile;
        //  2. start the broker advertising P; its client listener binds an ephemeral port B;
        //  3. replace the route by one on the same port P that forwards to B.
        // P is free only between removeRoute and addRoute, microseconds. Reserving B instead (ServerSocket(0),
        // close, hand the number to the broker) would leave B free for the seconds the broker takes to start,
        // for any other process to take.
        ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, NO_BROKER_YET).name(ROUTE).start();
        KafkaClusterTestKit cluster = null;
        try {
            int proxyPort = proxy.route(ROUTE).localPort();
            cluster = startBroker(dir, proxyPort);
            int brokerPort = cluster.brokers().values().iterator().next()
                    .boundPort(ListenerName.normalised(CLIENT));
            proxy.removeRoute(ROUTE);
            proxy.addRoute(proxyPort, "127.0.0.1:" + brokerPort, route -> route.name(ROUTE));
            return new KafkaBehindRoute(proxy, cluster, proxyPort, brokerPort);
        } catch (Exception | Error e) {
            proxy.close();
            if (cluster != null) {
                cluster.close();
            }
            throw e;
        }
    }

    private static KafkaClusterTestKit startBroker(Path dir, int proxyPort) throws Exception {
        // The test kit binds EXTERNAL and CONTROLLER itself, before it writes the configs that name their ports;
        // CLIENT is ours: port 0, bound when the broker starts.
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBaseDirectory(dir).build())
                .setConfigProp("listeners",
                        "EXTERNAL://localhost:0,CLIENT://127.0.0.1:0,CONTROLLER://localhost:0")
                .setConfigProp("advertised.listeners", "EXTERNAL://localhost:0,CLIENT://127.0.0.1:" + proxyPort)
                .setConfigProp("listener.security.protocol.map",
                        "EXTERNAL:PLAINTEXT,CLIENT:PLAINTEXT,CONTROLLER:PLAINTEXT")
                .setConfigProp("num.partitions", 1)
                .setConfigProp("offsets.topic.replication.factor", (short) 1)
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** What a client is given: the route's address, and only that. */
    String bootstrapServers() {
        return "127.0.0.1:" + proxyPort;
    }

    /** The route's port P, which the broker advertises. */
    int proxyPort() {
        return proxyPort;
    }

    /** The route every client connection goes through. */
    Route route() {
        return proxy.route(ROUTE);
    }

    /** The port the broker's client listener really has; no client is ever told it. */
    int brokerPort() {
        return brokerPort;
    }

    /** Broker-side count of connections its client listener accepted, over the broker's lifetime. */
    long brokerClientConnections() {
        return cluster.brokers().values().iterator().next().metrics().metrics().entrySet().stream()
                .filter(m -> m.getKey().name().equals("connection-creation-total")
                        && m.getKey().group().equals("socket-server-metrics")
                        && CLIENT.equals(m.getKey().tags().get("listener")))
                .mapToLong(m -> Math.round((Double) m.getValue().metricValue()))
                .sum();
    }

    /** Stops the broker, then the proxy; the test kit deletes the broker's files. */
    @Override
    public void close() {
        try {
            cluster.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the broker stopped", e);
        } catch (Exception e) {
            throw new IllegalStateException("the broker did not stop cleanly", e);
        } finally {
            proxy.close();
        }
    }
}
