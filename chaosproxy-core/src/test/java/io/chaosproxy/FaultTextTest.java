package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.fault.BuiltInFaults;
import io.chaosproxy.spi.FaultType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A fault reads well where users meet it: in a log line, an event, a failed assertion. */
class FaultTextTest {

    @Test
    void aFaultShowsItsNameAttributesDirectionAndToxicity() {
        assertThat(Fault.latency(Duration.ofMillis(100)).jitter(Duration.ofMillis(20)))
                .hasToString("latency_downstream{latency=100, jitter=20, direction=downstream, toxicity=1.0}");
        assertThat(Fault.resetPeer(Duration.ZERO).direction(Direction.BOTH).toxicity(0.5).named("rst"))
                .hasToString("rst{type=reset_peer, timeout=0, direction=both, toxicity=0.5}");
    }

    @Test
    void noBuiltInFaultShowsJavaRecordInternals() {
        Duration d = Duration.ofMillis(10);
        Fault[] every = {Fault.latency(d), Fault.bandwidth(1000), Fault.slicer(10, 2, d), Fault.timeout(d),
                Fault.resetPeer(d), Fault.slowClose(d), Fault.limitData(10), Fault.corrupt(0.1), Fault.terminate(0.1),
                Fault.maxLifetime(d), Fault.connectDelay(d), Fault.loss(0.1), Fault.packetLoss(0.1), Fault.noop(),
                Fault.drop(0.1)};
        assertThat(every).extracting(Fault::type).containsExactlyInAnyOrderElementsOf(
                new BuiltInFaults().faultTypes().stream().map(FaultType::name).toList());
        for (Fault fault : every) {
            assertThat(fault.toString()).as(fault.type())
                    .startsWith(fault.name() + "{").doesNotContain("Envelope", "null", "[");
        }
    }

    @Test
    void everyDataFaultHasARouteBuilderShortcut() {
        // The README promises it: ".latency(d) is .fault(Fault.latency(d))".
        for (String shortcut : new String[] {"dropRate", "latency", "bandwidth", "slicer", "timeout", "resetPeer",
                "slowClose", "limitData", "corrupt", "loss", "packetLoss", "terminate", "maxLifetime", "connectDelay"}) {
            assertThat(java.util.Arrays.stream(RouteBuilder.class.getMethods()).map(java.lang.reflect.Method::getName))
                    .as(shortcut).contains(shortcut);
        }
    }

    @Test
    void anEnvelopeReadsWithoutRecordInternals() {
        assertThat(Fault.latency(Duration.ZERO).named("slow").envelope())
                .hasToString("name=slow, direction=downstream, toxicity=1.0");
        assertThat(Fault.noop().envelope()).hasToString("direction=downstream, toxicity=1.0");
    }
}
