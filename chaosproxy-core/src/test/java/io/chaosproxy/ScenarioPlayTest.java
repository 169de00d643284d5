package io.chaosproxy;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scenarios played on real routes: steps on time, refused and accepted connections, repeats, cancels, seeds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScenarioPlayTest {

    @Test
    void disableThenEnableRefusesConnectionsThenAcceptsThemOnTheSamePort() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db").start()) {
            Route db = proxy.route("db");
            int port = db.localPort();
            ScenarioRun run = db.play(Scenario.builder()
                    .at(Duration.ZERO, Step.disable())
                    .at(ofMillis(400), Step.enable())
                    .build());
            await().until(() -> !db.isEnabled());
            int refused = 0;
            int accepted = 0;
            while (!db.isEnabled()) {
                try (Socket ignored = Sockets.connect(port)) {
                    accepted++;   // enabled in between
                    break;
                } catch (ConnectException expected) {
                    refused++;
                }
                Thread.onSpinWait();
            }
            assertThat(run.await(ofSeconds(10))).isTrue();
            try (Socket client = Sockets.connect(port)) {
                assertThat(RuntimeFaultsTest.roundTripMillis(client, 1)).isLessThan(2000);
            }
            assertThat(refused).isPositive();
            assertThat(db.metrics().acceptedConnections()).isEqualTo(1 + accepted);   // none while disabled
            assertThat(run.isCancelled()).isFalse();
            assertThat(run.steps()).extracting(e -> e.step().toString()).containsExactly("disable", "enable");
            assertThat(run.steps().get(1).scheduled()).isEqualTo(ofMillis(400));
        }
    }

    @Test
    void aFaultAddedThenRemovedSlowsTheLinkOnlyMeanwhile() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            Route route = proxy.routes().get(0);
            ScenarioRun run = route.play(Scenario.builder()
                    .at(Duration.ZERO, Step.add(Fault.latency(ofMillis(2000)).named("slow")))
                    .at(ofMillis(4000), Step.remove("slow"))
                    .build());
            await().until(() -> !route.faults().isEmpty());
            // Seconds apart, so that a loaded machine (1.7 s for a plain round trip seen once) cannot blur them.
            assertThat(RuntimeFaultsTest.roundTripMillis(client, 1)).isBetween(2000L, 3900L);
            assertThat(run.await(ofSeconds(10))).isTrue();
            assertThat(route.faults()).isEmpty();
            assertThat(RuntimeFaultsTest.roundTripMillis(client, 2)).isLessThan(1900);
        }
    }

    @Test
    void stepsHappenAtTheirOffsets() throws Exception {
        int steps = 200;
        long spacingMillis = 5;
        List<long[]> seen = Collections.synchronizedList(new ArrayList<>());   // {scheduled, received} nanos
        long[] startedAt = new long[1];
        ChaosListener stamp = event -> {
            if (event instanceof ChaosEvent.ScenarioStepDone done) {
                seen.add(new long[] {done.scheduled().toNanos(), System.nanoTime()});
            }
        };
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(stamp).route(0, upstream.address()).name("db").start();
                Socket client = Sockets.connect(proxy.route("db"))) {
            Scenario.Builder builder = Scenario.builder();
            Fault latency = Fault.latency(ofMillis(1));
            for (int i = 0; i < steps; i++) {
                builder.at(ofMillis(i * spacingMillis), i % 2 == 0 ? Step.add(latency) : Step.remove(latency.name()));
            }
            Scenario scenario = builder.build();
            // A first play loads and compiles what the steps run, as a test's earlier work would have.
            assertThat(proxy.route("db").play(scenario).await(ofSeconds(20))).isTrue();
            seen.clear();
            startedAt[0] = System.nanoTime();
            ScenarioRun run = proxy.route("db").play(scenario);
            assertThat(run.await(ofSeconds(20))).isTrue();
            assertThat(run.stepsFailed()).isZero();
            assertThat(run.stepsDone()).isEqualTo(steps);
            assertThat(proxy.route("db").faults()).isEmpty();
            long[] late = run.steps().stream().mapToLong(s -> s.late().toNanos()).sorted().toArray();
            System.out.printf("scenario steps began late by p50=%.3f ms p99=%.3f ms%n", late[late.length / 2] / 1e6,
                    late[(int) Math.ceil(late.length * 0.99) - 1] / 1e6);
        }
        assertThat(seen).hasSize(steps);
        // From before play() to the listener hearing the step: the step's own work and the event included.
        long[] errors = seen.stream().mapToLong(s -> s[1] - startedAt[0] - s[0]).sorted().toArray();
        long p50 = errors[errors.length / 2];
        long p99 = errors[(int) Math.ceil(errors.length * 0.99) - 1];
        System.out.printf("scenario step timing error over %d steps %d ms apart: p50=%.3f ms p99=%.3f ms max=%.3f ms%n",
                steps, spacingMillis, p50 / 1e6, p99 / 1e6, errors[errors.length - 1] / 1e6);
        assertThat(errors[0]).isNotNegative();   // never early
        assertThat(p50).isLessThan(TimeUnit.MILLISECONDS.toNanos(5));   // measured 0.2 ms; generous for CI
        assertThat(p99).isLessThan(TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void repeatPlaysTheCycleAgainWithItsLengthAsThePeriod() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).start()) {
            Route route = proxy.routes().get(0);
            ScenarioRun run = route.play(Scenario.builder()
                    .at(Duration.ZERO, Step.disable())
                    .at(ofMillis(50), Step.enable())
                    .length(ofMillis(100))
                    .repeat(3)
                    .build());
            assertThat(run.await(ofSeconds(10))).isTrue();
            assertThat(run.steps()).extracting(ChaosEvent.ScenarioStepDone::scheduled)
                    .containsExactly(ofMillis(0), ofMillis(50), ofMillis(100), ofMillis(150), ofMillis(200),
                            ofMillis(250));
            assertThat(run.steps()).extracting(ChaosEvent.ScenarioStepDone::cycle).containsExactly(0L, 0L, 1L, 1L, 2L, 2L);
            assertThat(route.isEnabled()).isTrue();
            assertThat(route.scenarioRuns()).isEmpty();
            try (Socket client = Sockets.connect(route)) {
                assertThat(RuntimeFaultsTest.roundTripMillis(client, 1)).isLessThan(2000);
            }
        }
    }

    @Test
    void cancelStopsARunForeverAndNoStepFollows() throws Exception {
        List<ChaosEvent> events = new CopyOnWriteArrayList<>();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(events::add).route(0, upstream.address()).start()) {
            Route route = proxy.routes().get(0);
            ScenarioRun run = route.play(Scenario.builder()
                    .at(Duration.ZERO, Step.add(Fault.noop()))
                    .at(ofMillis(10), Step.remove("noop_downstream"))
                    .length(ofMillis(20))
                    .repeatForever()
                    .build());
            assertThat(route.scenarioRuns()).containsExactly(run);
            assertThat(proxy.scenarioRuns()).containsExactly(run);
            await().until(() -> run.stepsDone() >= 6);
            run.cancel();
            long done = run.stepsDone();
            assertThat(run.isDone()).isTrue();
            assertThat(run.isCancelled()).isTrue();
            assertThat(run.await(Duration.ZERO)).isTrue();
            assertThat(route.scenarioRuns()).isEmpty();
            await().during(ofMillis(200)).atMost(ofSeconds(2)).until(() -> run.stepsDone() == done);
            assertThat(events).filteredOn(ChaosEvent.ScenarioEnded.class::isInstance).singleElement()
                    .isEqualTo(new ChaosEvent.ScenarioEnded(route.name(), run.id(), "cancelled", done, 0));
            run.cancel();   // harmless
        }
    }

    @Test
    void aFailedStepIsReportedAndTheRunGoesOn() throws Exception {
        List<ChaosEvent.ScenarioStepDone> steps = new CopyOnWriteArrayList<>();
        ChaosListener collect = event -> {
            if (event instanceof ChaosEvent.ScenarioStepDone done) {
                steps.add(done);
            }
        };
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(collect).route(0, upstream.address()).name("db").start()) {
            ScenarioRun run = proxy.route("db").play(Scenario.builder()
                    .at(Duration.ZERO, Step.remove("cut"))
                    .at(ofMillis(10), Step.add(Fault.latency(ofMillis(5))))
                    .build());
            assertThat(run.await(ofSeconds(10))).isTrue();
            assertThat(run.stepsDone()).isEqualTo(2);
            assertThat(run.stepsFailed()).isEqualTo(1);
            assertThat(steps).hasSize(2);
            assertThat(steps.get(0).failed()).isTrue();
            assertThat(steps.get(0).error()).isEqualTo("route 'db' has no fault named 'cut'; it has []");
            assertThat(steps.get(1).failed()).isFalse();
            assertThat(proxy.route("db").faults()).extracting(Fault::name).containsExactly("latency_downstream");
            assertThat(run).hasToString("ScenarioRun{id=1, route=db, completed, steps=2 (1 failed)}");
        }
    }

    @Test
    void flappingReplaysWithTheSameSeedAndDiffersWithAnother() throws Exception {
        Scenario flapping = Scenario.builder().flapping(ofMillis(20), ofMillis(10)).repeat(5).build();
        List<Duration> first = flapTimes(42, flapping);
        assertThat(first).hasSize(10);
        assertThat(flapTimes(42, flapping)).isEqualTo(first);
        assertThat(flapTimes(43, flapping)).isNotEqualTo(first);
    }

    private static List<Duration> flapTimes(long seed, Scenario scenario) throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(seed).route(0, upstream.address()).name("db").start()) {
            proxy.route("db").addFault(Fault.noop());   // other activity does not move the draws
            ScenarioRun run = proxy.route("db").play(scenario);
            assertThat(run.await(ofSeconds(20))).isTrue();
            assertThat(run.steps()).extracting(s -> s.step().toString())
                    .containsExactly("disable", "enable", "disable", "enable", "disable", "enable", "disable",
                            "enable", "disable", "enable");
            assertThat(proxy.route("db").isEnabled()).isTrue();
            return run.steps().stream().map(ChaosEvent.ScenarioStepDone::scheduled).toList();
        }
    }

    @Test
    void removingTheRouteOrClosingTheProxyCancelsItsRuns() throws Exception {
        Scenario forever = Scenario.builder().at(Duration.ZERO, Step.closeConnections()).length(ofMillis(10))
                .repeatForever().build();
        ScenarioRun onProxy;
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("a")
                        .route(0, upstream.address()).name("b").start()) {
            ScenarioRun onA = proxy.route("a").play(forever);
            onProxy = proxy.route("b").play(forever);
            await().until(() -> onA.stepsDone() > 2 && onProxy.stepsDone() > 2);
            proxy.removeRoute("a");
            assertThat(onA.isCancelled()).isTrue();
            assertThat(onProxy.isDone()).isFalse();
        }
        assertThat(onProxy.isCancelled()).isTrue();
        assertThat(Sockets.proxyThreads()).noneMatch(name -> name.startsWith("chaos-proxy-scenario"));
    }

    @Test
    void aListenerToldOfAStepMayChangeTheRouteAndCancelTheRun() throws Exception {
        ScenarioRun[] run = new ScenarioRun[1];
        ChaosProxy[] self = new ChaosProxy[1];
        ChaosListener meddle = event -> {
            if (event instanceof ChaosEvent.ScenarioStepDone done && done.cycle() == 1 && done.index() == 0) {
                self[0].route("db").addFault(Fault.noop());
            } else if (event instanceof ChaosEvent.ScenarioStepDone done && done.cycle() == 2) {
                run[0].cancel();
            }
        };
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().listener(meddle).route(0, upstream.address()).name("db").start()) {
            self[0] = proxy;
            run[0] = proxy.route("db").play(Scenario.builder().at(Duration.ZERO, Step.disable())
                    .at(ofMillis(5), Step.enable()).length(ofMillis(10)).repeatForever().build());
            assertThat(run[0].await(ofSeconds(10))).isTrue();
            assertThat(run[0].isCancelled()).isTrue();
            assertThat(run[0].stepsDone()).isEqualTo(5);   // cycle 2's first step cancels; its second never runs
            assertThat(proxy.route("db").faults()).extracting(Fault::name).containsExactly("noop_downstream");
        }
    }
}
