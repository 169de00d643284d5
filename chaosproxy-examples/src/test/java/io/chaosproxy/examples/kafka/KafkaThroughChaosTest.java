package io.chaosproxy.examples.kafka;

import static io.chaosproxy.examples.kafka.KafkaClients.createTopic;
import static io.chaosproxy.examples.kafka.KafkaClients.producer;
import static io.chaosproxy.examples.kafka.KafkaClients.readKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Kafka broker behind a chaos-proxy route ({@link KafkaBehindRoute}): records go through, latency slows
 * every acknowledged produce, and a route that goes down and comes back loses no acknowledged record.
 *
 * <p>Let the broker advertise its own address instead of the route's and all three fail: the clients talk to
 * the broker directly after their first metadata request, so latency adds nothing and sends go on succeeding
 * while the route is down.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaThroughChaosTest {
    static final Duration LATENCY = Duration.ofMillis(100);
    static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    static Path logDirs;
    static KafkaBehindRoute kafka;

    static Set<Thread> threadsBefore;

    @BeforeAll
    static void startBrokerBehindRoute() throws Exception {
        threadsBefore = Thread.getAllStackTraces().keySet();
        kafka = KafkaBehindRoute.start(logDirs);
    }

    @AfterAll
    static void stopBrokerAndLeaveNothingBehind() throws Exception {
        if (kafka == null) {
            return;
        }
        kafka.close();
        assertThat(logDirs).doesNotExist();   // the test kit deletes the broker's directories
        for (int port : List.of(kafka.proxyPort(), kafka.brokerPort())) {
            new ServerSocket(port, 1, InetAddress.getLoopbackAddress()).close();
        }
        // Besides JUnit's and Awaitility's own, the only threads left are the two daemon tick threads of Kafka's
        // Yammer metrics registry, a static singleton that lives as long as the JVM.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                .filteredOn(t -> t.isAlive() && !threadsBefore.contains(t))
                .extracting(Thread::getName)
                .allMatch(name -> name.startsWith("metrics-meter-tick-thread-")
                        || name.startsWith("junit-") || name.startsWith("awaitility")));
    }

    @AfterEach
    void routeBackToNormal() {
        kafka.route().enable().restoreFaults();
    }

    @Test
    void everyRecordGoesThroughTheRouteAndClientsOnlyEverSeeTheProxysAddress() throws Exception {
        String bootstrap = kafka.bootstrapServers();
        Route route = kafka.route();
        createTopic(bootstrap, "orders");

        // What a client learns from the metadata is the address it will connect to: the proxy's, never port B.
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
            assertThat(nodes).singleElement().satisfies(node -> {
                assertThat(node.host()).isEqualTo("127.0.0.1");
                assertThat(node.port()).isEqualTo(route.localPort()).isNotEqualTo(kafka.brokerPort());
            });
        }
        List<String> keys = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(bootstrap, DELIVERY_TIMEOUT)) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                keys.add("order-" + i);
                acks.add(producer.send(new ProducerRecord<>("orders", "order-" + i, "paid")));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }

        assertThat(readKeys(bootstrap, "orders")).containsExactlyElementsOf(keys);
        // Every connection the broker's client listener took came through the route, and the other way round.
        assertThat(route.metrics().acceptedConnections()).isPositive();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(kafka.brokerClientConnections()).isEqualTo(route.metrics().acceptedConnections()));
        System.out.printf("kafka: 100 records produced and read through route '%s' (port %d; broker on %d),"
                        + " %d connections accepted by the route, %d by the broker%n", route.name(),
                route.localPort(), kafka.brokerPort(), route.metrics().acceptedConnections(),
                kafka.brokerClientConnections());
    }

    @Test
    void latencyOnTheRouteDelaysEveryAcknowledgedProduce() throws Exception {
        String bootstrap = kafka.bootstrapServers();
        createTopic(bootstrap, "payments");
        try (KafkaProducer<String, String> producer = producer(bootstrap, Duration.ofSeconds(30))) {
            producer.send(new ProducerRecord<>("payments", "warm-up", "")).get();   // connected, metadata known
            Duration baseline = medianSendTime(producer, "payments", 20);
            // Downstream (the default): each produce response reaches the producer LATENCY later.
            kafka.route().addFault(Fault.latency(LATENCY));
            Duration slowed = medianSendTime(producer, "payments", 20);

            System.out.printf("kafka: acks=all produce, median of 20: %d ms without faults, %d ms with latency %d ms%n",
                    baseline.toMillis(), slowed.toMillis(), LATENCY.toMillis());
            assertThat(slowed).isGreaterThanOrEqualTo(LATENCY);
            // About LATENCY more per produce; a loaded 2-core machine moves each median by tens of ms (8 ms and
            // 115 ms measured idle), so the band is wide on both sides.
            assertThat(slowed.minus(baseline)).isBetween(LATENCY.minusMillis(50), LATENCY.plusMillis(500));
        }
    }

    @Test
    void aRouteDownFailsSendsAndAfterEnableNoAcknowledgedRecordIsLostOrDuplicated() throws Exception {
        String bootstrap = kafka.bootstrapServers();
        createTopic(bootstrap, "shipments");
        List<String> acknowledged = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(bootstrap, DELIVERY_TIMEOUT)) {
            for (int i = 0; i < 10; i++) {
                send(producer, "shipments", "before-" + i, acknowledged);
            }

            kafka.route().disable();   // the port refuses and the producer's connection is cut
            long down = System.nanoTime();
            List<String> failed = new ArrayList<>();
            List<Future<RecordMetadata>> pending = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                failed.add("during-" + i);
                pending.add(producer.send(new ProducerRecord<>("shipments", "during-" + i, "")));
            }
            for (Future<RecordMetadata> ack : pending) {
                assertThatThrownBy(ack::get).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(TimeoutException.class);
            }
            Duration failedAfter = Duration.ofNanos(System.nanoTime() - down);

            kafka.route().enable();
            // Recovery takes up to the client's reconnect.backoff.max.ms (1 s by default): it retries a refused
            // node with a growing pause, so it notices the route is back only at its next attempt.
            long up = System.nanoTime();
            // The writer's own retry: what failed is sent again, now that the route is back.
            for (String key : failed) {
                send(producer, "shipments", key, acknowledged);
            }
            Duration recovery = Duration.ofNanos(System.nanoTime() - up);
            for (int i = 0; i < 10; i++) {
                send(producer, "shipments", "after-" + i, acknowledged);
            }

            List<String> read = readKeys(bootstrap, "shipments");
            System.out.printf("kafka: route down: 5 sends failed after %d ms (delivery.timeout.ms %d); after enable()"
                            + " the first resend was acknowledged in %d ms; %d records acknowledged, %d read%n",
                    failedAfter.toMillis(), DELIVERY_TIMEOUT.toMillis(), recovery.toMillis(),
                    acknowledged.size(), read.size());
            assertThat(failedAfter).isGreaterThanOrEqualTo(DELIVERY_TIMEOUT.minusMillis(100));
            // Exactly the acknowledged records, each once, in the order they were acknowledged.
            assertThat(read).containsExactlyElementsOf(acknowledged);
        }
    }

    private static void send(KafkaProducer<String, String> producer, String topic, String key, List<String> acked)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, "")).get(30, TimeUnit.SECONDS);
        acked.add(key);
    }

    private static Duration medianSendTime(KafkaProducer<String, String> producer, String topic, int sends)
            throws Exception {
        List<Long> nanos = new ArrayList<>();
        for (int i = 0; i < sends; i++) {
            long start = System.nanoTime();
            producer.send(new ProducerRecord<>(topic, "k" + i, "v")).get(30, TimeUnit.SECONDS);
            nanos.add(System.nanoTime() - start);
        }
        nanos.sort(null);
        return Duration.ofNanos(nanos.get(sends / 2));
    }
}
