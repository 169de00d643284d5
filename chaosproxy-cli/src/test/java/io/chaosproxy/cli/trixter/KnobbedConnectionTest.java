package io.chaosproxy.cli.trixter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosConnection;
import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The knobs a connection starts with stack in the knobs' order, whatever order the flags' map gives them in. */
@Timeout(60)
class KnobbedConnectionTest {

    @Test
    void corruptionStartedBehindTheSlicerDecidesPerSliceWhateverTheMapsOrder() throws Exception {
        Map<Knob, Number> knobs = new LinkedHashMap<>();   // corruption first: one of the orders Map.copyOf can give
        knobs.put(Knob.CORRUPTION, 1.0);
        knobs.put(Knob.TERMINATION, 0.0);
        knobs.put(Knob.SLICE, 500L);
        knobs.put(Knob.THROTTLE, 0L);
        knobs.put(Knob.DELAY, 1L);
        AtomicInteger insertions = new AtomicInteger();
        byte[] payload = new byte[20_000];
        new Random(5).nextBytes(payload);
        CompletableFuture<Transfer> received = new CompletableFuture<>();
        ChaosProxy.Builder builder = ChaosProxy.builder().seed(5).shutdownTimeout(Duration.ZERO).listener(event -> {
            if (event instanceof ChaosEvent.ConnectionOpened opened) {
                new KnobbedConnection(opened.connection(), knobs);   // as TrixterConnections does
            } else if (event instanceof ChaosEvent.FaultInjected injected
                    && injected.fault().name().equals(Knob.CORRUPTION.faultName())) {
                insertions.incrementAndGet();
            }
        });
        try (Upstream upstream = Upstream.measures(received)) {
            builder.route(0, upstream.address()).name("knobs");
            try (ChaosProxy proxy = builder.start();
                    Socket client = new Socket(InetAddress.getLoopbackAddress(),
                            proxy.route("knobs").localPort())) {
                Route route = proxy.route("knobs");
                ChaosConnection connection = await().until(route::connections, list -> !list.isEmpty()).get(0);
                await().until(() -> connection.faults().stream().map(Fault::name).toList(), names -> names.size() == 3);
                assertThat(connection.faults()).extracting(Fault::name)
                        .containsExactly("trixter_delay", "trixter_slice", "trixter_corruption");

                client.getOutputStream().write(payload);   // one write: a read or a few for the proxy
                client.shutdownOutput();
                Transfer upload = received.get(30, TimeUnit.SECONDS);

                // Probability 1 per chunk: one insertion per slice of 500 bytes, not one per read. (Counted on the
                // loop right after each insertion went out: the last count may come a moment after the bytes.)
                await().untilAsserted(() -> {
                    assertThat(insertions.get()).as("insertions").isGreaterThanOrEqualTo(payload.length / 500);
                    assertThat(upload.bytes().length).isEqualTo(payload.length + proxy.metrics().bytesCorrupted());
                });
            }
        }
    }
}
