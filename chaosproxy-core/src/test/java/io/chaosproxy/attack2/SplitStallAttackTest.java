package io.chaosproxy.attack2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.ChaosEvent;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Promise 1: a splitting stage (slicer, bandwidth) that waits for room never stalls a connection whose client
 * reads: every echo completes with the same SHA-256. The pipe's high-water mark is the smallest allowed
 * (64 KiB), so the split headroom (128 KiB above it) is reached within the first read.
 */
class SplitStallAttackTest {
    private static final int HIGH_WATER = 64 * 1024;
    private static final int SILENCE_MS = 4000;

    private static ChaosProxy proxy(Echo echo, List<Fault> faults) {
        ChaosProxy.Builder builder = ChaosProxy.builder().seed(7).highWaterMark(HIGH_WATER);
        io.chaosproxy.RouteBuilder route = builder.route(0, echo.address()).name("r");
        for (Fault fault : faults) {
            route.fault(fault);
        }
        return route.start();
    }

    private static Echo.Result echoThrough(List<Fault> faults, int size) throws Exception {
        try (Echo echo = new Echo(); ChaosProxy proxy = proxy(echo, faults)) {
            return Echo.roundTrip(proxy.route("r").localPort(), Echo.payload(size, size), SILENCE_MS);
        }
    }

    private static void assertComplete(String attack, Echo.Result result) {
        System.out.printf("[split] %s: sent %d, got back %d, %s, intact=%s%n", attack, result.sent(),
                result.received(), result.ending(), result.intact());
        assertThat(result.complete()).as(attack + ": " + result).isTrue();
    }

    /** bandwidth, then latency, then slicer: three ordinary faults in one chain. */
    @Test
    void bandwidthThenLatencyThenSlicerCompletes() throws Exception {
        assertComplete("bandwidth 4 MB/s -> latency 50 ms -> slicer 1000", echoThrough(List.of(
                Fault.bandwidth(4_000_000), Fault.latency(Duration.ofMillis(50)), Fault.slicer(1000, 0, Duration.ZERO)),
                1024 * 1024));
    }

    @Test
    void bandwidthThenSlicerWithoutLatencyCompletes() throws Exception {
        assertComplete("bandwidth 1 MB/s -> slicer 1000", echoThrough(List.of(
                Fault.bandwidth(1_000_000), Fault.slicer(1000, 0, Duration.ZERO)), 256 * 1024));
    }

    @Test
    void slicerThenBandwidthBothDirectionsCompletes() throws Exception {
        assertComplete("slicer 5000 -> bandwidth 1 MB/s, both", echoThrough(List.of(
                Fault.slicer(5000, 0, Duration.ZERO).direction(Direction.BOTH),
                Fault.bandwidth(1_000_000).direction(Direction.BOTH)), 256 * 1024));
    }

    /** Two slicers: the first fills the headroom with small pieces the second must cut again. */
    @Test
    void twoSlicersTheSecondWithADelayComplete() throws Exception {
        assertComplete("slicer 4 -> slicer 2 every 1 us", echoThrough(List.of(
                Fault.slicer(4, 0, Duration.ZERO).named("a"), Fault.slicer(2, 0, Duration.ofNanos(1000)).named("b")),
                16 * 1024));
    }

    @Test
    void twoSlicersWithoutDelayComplete() throws Exception {
        assertComplete("slicer 16 -> slicer 8", echoThrough(List.of(
                Fault.slicer(16, 0, Duration.ZERO).named("a"), Fault.slicer(8, 0, Duration.ZERO).named("b")),
                128 * 1024));
    }

    /** Slices held by a latency fill the headroom; when they are due, a second slicer must cut them again. */
    @Test
    void slicerLatencySlicerCompletes() throws Exception {
        assertComplete("slicer 16 -> latency 200 ms -> slicer 8", echoThrough(List.of(
                Fault.slicer(16, 0, Duration.ZERO).named("a"), Fault.latency(Duration.ofMillis(200)).named("l"),
                Fault.slicer(8, 0, Duration.ZERO).named("b")), 128 * 1024));
    }

    /** A slicer fills the headroom ahead of a long latency; it is removed; a second slicer must cut what it held. */
    @Test
    void slicerLatencySlicerCompletesOnceTheLatencyIsRemoved() throws Exception {
        try (Echo echo = new Echo(); ChaosProxy proxy = proxy(echo, List.of(
                Fault.slicer(16, 0, Duration.ZERO).named("a"), Fault.latency(Duration.ofDays(1)).named("t"),
                Fault.slicer(8, 0, Duration.ZERO).named("b")))) {
            Route route = proxy.route("r");
            AtomicReference<Echo.Result> result = new AtomicReference<>();
            Thread client = new Thread(() -> {
                try {
                    result.set(Echo.roundTrip(route.localPort(), Echo.payload(1, 128 * 1024), SILENCE_MS));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            client.start();
            // full: reading stopped (how far past the mark the slicers went depends on the read sizes)
            await().until(() -> route.metrics().bufferedBytes() >= HIGH_WATER);
            route.removeFault("t");
            client.join(30_000);
            assertComplete("slicer 16 -> latency 1 day, removed -> slicer 8", result.get());
        }
    }

    /** The slicer waits for room ahead of a long latency; it is removed, then the latency goes. */
    @Test
    void aWaitingSlicerRemovedLetsEverythingThrough() throws Exception {
        waitingSlicerChanged(false);
    }

    /** The slicer waits for room ahead of a long latency; it is updated, then the latency goes. */
    @Test
    void aWaitingSlicerUpdatedLetsEverythingThrough() throws Exception {
        waitingSlicerChanged(true);
    }

    private void waitingSlicerChanged(boolean update) throws Exception {
        try (Echo echo = new Echo(); ChaosProxy proxy = proxy(echo, List.of(
                Fault.slicer(16, 0, Duration.ZERO).named("a"), Fault.latency(Duration.ofDays(1)).named("t")))) {
            Route route = proxy.route("r");
            AtomicReference<Echo.Result> result = new AtomicReference<>();
            Thread client = new Thread(() -> {
                try {
                    result.set(Echo.roundTrip(route.localPort(), Echo.payload(2, 200 * 1024), SILENCE_MS));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            client.start();
            // Whether the slicer reaches the headroom (and waits) depends on how big the reads were: reported
            await().until(() -> route.metrics().bufferedBytes() >= HIGH_WATER);
            // then until the pipe stops growing: the slicer waits for room, or everything was read
            long[] last = {-1};
            await().pollInterval(Duration.ofMillis(50)).until(() -> {
                long now = route.metrics().bufferedBytes();
                boolean settled = now == last[0];
                last[0] = now;
                return settled;
            });
            System.out.printf("[split] before the %s: the pipe pins %d bytes (waiting for room at %d)%n",
                    update ? "update" : "removal", route.metrics().bufferedBytes(), 3 * HIGH_WATER);
            if (update) {
                route.updateFault(Fault.slicer(8, 0, Duration.ZERO).named("a"));
            } else {
                route.removeFault("a");
            }
            route.removeFault("t");
            client.join(30_000);
            assertComplete(update ? "waiting slicer updated" : "waiting slicer removed", result.get());
        }
    }

    @Test
    void aListenerRemovingTheSlicerWhenItIsReportedLosesNothing() throws Exception {
        AtomicReference<ChaosProxy> self = new AtomicReference<>();
        try (Echo echo = new Echo(); ChaosProxy proxy = ChaosProxy.builder().highWaterMark(HIGH_WATER)
                .listener(event -> {
                    if (event instanceof ChaosEvent.FaultInjected injected && injected.fault().name().equals("s")) {
                        self.get().route("r").removeFault("s");
                    }
                })
                .route(0, echo.address()).name("r").fault(Fault.slicer(16, 0, Duration.ZERO).named("s"))
                .fault(Fault.bandwidth(2_000_000).named("b")).start()) {
            self.set(proxy);
            assertComplete("listener removes slicer on FaultInjected",
                    Echo.roundTrip(proxy.route("r").localPort(), Echo.payload(3, 256 * 1024), SILENCE_MS));
        }
    }
}
