package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.JournalEntry.Kind;
import io.chaosproxy.fault.DropMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JournalTest {

    @Test
    void aConnectionWithAFaultIsJournaledInOrderWithItsBytes() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address()).name("db")
                        .latency(Duration.ofMillis(20)).start()) {
            int clientPort;
            try (Socket client = Sockets.connect(proxy.route("db"))) {
                clientPort = client.getLocalPort();
                client.getOutputStream().write(new byte[300]);
                client.shutdownOutput();
                assertThat(client.getInputStream().readAllBytes()).hasSize(300);
            }
            await().until(() -> kinds(proxy.journal().entries()).contains(Kind.CLOSED));

            List<JournalEntry> entries = proxy.journal().entries();
            assertThat(kinds(entries)).containsExactly(Kind.OPENED, Kind.INJECTED, Kind.CLOSED);
            assertThat(entries).allSatisfy(e -> {
                assertThat(e.route()).isEqualTo("db");
                assertThat(e.connection()).isEqualTo(1);
            });
            assertThat(entries).extracting(JournalEntry::seq).containsExactly(0L, 1L, 2L);
            assertThat(entries).extracting(JournalEntry::nanos).isSorted();
            assertThat(entries.get(2).nanos() - entries.get(0).nanos()).isGreaterThanOrEqualTo(20_000_000);
            assertThat(entries.get(0).detail())
                    .isEqualTo("from 127.0.0.1:" + clientPort + " to " + upstream.address());
            assertThat(entries.get(1).subject()).isEqualTo("latency_downstream");
            assertThat(entries.get(2).detail()).matches("after \\d+ ms, 300 B up, 300 B down \\(completed\\)");
            assertThat(proxy.journal().text().lines().toList()).satisfiesExactly(
                    line -> assertThat(line).matches("\\+\\d+ ms db#1 opened from 127\\.0\\.0\\.1:\\d+ to .*"),
                    line -> assertThat(line).matches("\\+\\d+ ms db#1 latency_downstream delaying each chunk 20ms.*"),
                    line -> assertThat(line).matches("\\+\\d+ ms db#1 closed after \\d+ ms, 300 B up, 300 B down"
                            + " \\(completed\\)"));
        }
    }

    @Test
    void changesMadeAtRunTimeAreJournaledBesideTheConnectionsTheyAffect() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address()).name("db").start()) {
            Route db = proxy.route("db");
            db.addFault(Fault.resetPeer(Duration.ZERO).named("cut"));
            try (Socket client = Sockets.connect(db)) {
                readToEndOrReset(client.getInputStream());
            }
            await().until(() -> kinds(proxy.journal().entries()).contains(Kind.CLOSED));
            db.removeFault("cut");
            db.disable();
            db.enable();
            db.setFaults(List.of(Fault.latency(Duration.ofMillis(1))));
            db.clearFaults();
            db.closeConnections();
            proxy.addRoute(0, upstream.address(), r -> r.name("api"));
            proxy.removeRoute("api");

            String text = proxy.journal().text();
            assertThat(kinds(proxy.journal().entries())).containsExactly(Kind.FAULT_ADDED, Kind.OPENED,
                    Kind.INJECTED, Kind.CLOSED, Kind.FAULT_REMOVED, Kind.DISABLED, Kind.ENABLED, Kind.FAULTS_SET,
                    Kind.FAULTS_CLEARED, Kind.CONNECTIONS_CLOSED, Kind.ROUTE_ADDED, Kind.ROUTE_REMOVED,
                    Kind.CONNECTIONS_CLOSED);
            assertThat(text).contains(" db fault added cut{type=reset_peer", " db#1 cut reset after 0ms",
                    " db fault removed cut\n", " db disabled\n", " db enabled\n",
                    " db faults set [latency_downstream]\n", " db faults cleared\n", " api route added listening on");
        }
    }

    @Test
    void aRoutesJournalHoldsItsOwnEntriesOnly() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("a")
                        .route(0, upstream.address()).name("b").start()) {
            for (String name : new String[] {"a", "b", "a"}) {
                try (Socket client = Sockets.connect(proxy.route(name))) {
                    client.getOutputStream().write(1);
                    assertThat(client.getInputStream().read()).isOne();
                }
            }
            proxy.route("a").awaitIdle(Duration.ofSeconds(10));
            proxy.route("b").awaitIdle(Duration.ofSeconds(10));
            assertThat(proxy.route("a").journal().entries()).extracting(JournalEntry::route).containsOnly("a")
                    .filteredOn(route -> true).hasSizeGreaterThanOrEqualTo(4);   // two connections opened and closed
            assertThat(proxy.route("b").journal().entries()).extracting(JournalEntry::route).containsOnly("b");
            assertThat(proxy.route("a").journal().entries().size() + proxy.route("b").journal().entries().size())
                    .isEqualTo(proxy.journal().entries().size());
        }
    }

    @Test
    void theBoundHoldsUnderFiftyThousandConnections() throws Exception {
        int connections = 50_000;
        try (ChaosProxy proxy = ChaosProxy.builder().journalSize(1000).route(0, "127.0.0.1:9").name("db")
                .fault(Fault.drop(1.0).mode(DropMode.RESET)).start()) {
            for (int i = 0; i < connections; i++) {
                try (Socket client = Sockets.connect(proxy.route("db"))) {
                    readToEndOrReset(client.getInputStream());
                }
            }
            long expected = 3L * connections;   // opened, the drop, closed
            await().atMost(Duration.ofSeconds(30)).until(() -> proxy.journal().mark() == expected);

            Journal journal = proxy.journal();
            JournalExcerpt all = journal.since(0);
            assertThat(all.entries()).hasSize(1000);
            assertThat(all.dropped()).isEqualTo(expected - 1000).isEqualTo(journal.dropped());
            assertThat(all.next()).isEqualTo(expected);
            assertThat(all.entries()).extracting(JournalEntry::seq).startsWith(expected - 1000).endsWith(expected - 1);
            assertThat(all.text()).startsWith("(" + (expected - 1000) + " earlier entries dropped)\n");
            assertThat(all.entries().get(999).connection()).isEqualTo(connections);
        }
    }

    @Test
    void aFaultActingOnEveryChunkIsJournaledTenTimesPerConnectionAndTheRestCounted() throws Exception {
        java.util.concurrent.atomic.AtomicInteger corruptions = new java.util.concurrent.atomic.AtomicInteger();
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().seed(42)
                        .listener(e -> {
                            if (e instanceof ChaosEvent.FaultInjected i && i.fault().type().equals("corrupt")) {
                                corruptions.incrementAndGet();
                            }
                        })
                        .route(0, upstream.address()).name("db")
                        .fault(Fault.slicer(10, 0, Duration.ZERO)).fault(Fault.corrupt(1.0)).start();
                Socket client = Sockets.connect(proxy.route("db"))) {
            client.getOutputStream().write(new byte[1000]);
            client.shutdownOutput();
            assertThat(client.getInputStream().readAllBytes()).hasSize(1000);
            await().until(() -> kinds(proxy.journal().entries()).contains(Kind.CLOSED));

            List<JournalEntry> entries = proxy.journal().entries();
            assertThat(corruptions.get()).isGreaterThanOrEqualTo(100);   // 1000 bytes in slices of 10, each corrupted
            assertThat(entries).filteredOn(e -> "corrupt_downstream".equals(e.subject())).hasSize(10);
            assertThat(entries.get(entries.size() - 1).detail())
                    .contains(", " + (corruptions.get() - 10) + " more injections not journaled (completed)");
        }
    }

    @Test
    void sinceAMarkReturnsExactlyWhatCameAfterIt() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().route(0, upstream.address()).name("db").start()) {
            roundTrips(proxy, 3);
            await().until(() -> proxy.journal().mark() == 6);
            long mark = proxy.journal().mark();
            roundTrips(proxy, 2);
            await().until(() -> proxy.journal().mark() == 10);

            JournalExcerpt later = proxy.journal().since(mark);
            assertThat(later.entries()).isEqualTo(proxy.journal().entries().subList(6, 10));
            assertThat(later.entries()).extracting(JournalEntry::connection)   // one may close after the next opens
                    .containsExactlyInAnyOrder(4L, 4L, 5L, 5L);
            assertThat(later.dropped()).isZero();
            assertThat(later.next()).isEqualTo(10);
            assertThat(proxy.journal().since(later.next()).entries()).isEmpty();
            assertThat(later.filter(e -> e.kind() == Kind.CLOSED).entries()).extracting(JournalEntry::connection)
                    .containsExactlyInAnyOrder(4L, 5L);
            assertThatThrownBy(() -> proxy.journal().since(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("mark: -1 is negative; use 0 or a value mark() returned");
        }
    }

    @Test
    void manyThreadsConnectingAtOnceLoseNoEntry() throws Exception {
        int threads = 8;
        int each = 100;
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().journalSize(10_000).route(0, upstream.address()).name("db")
                        .start()) {
            List<java.util.concurrent.CompletableFuture<Void>> clients = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                clients.add(Async.runAsync(() -> {
                    try {
                        roundTrips(proxy, each);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }));
            }
            long[] seen = {0};
            while (!clients.stream().allMatch(java.util.concurrent.CompletableFuture::isDone)) {
                JournalExcerpt part = proxy.journal().since(seen[0]);   // read while they write
                assertThat(part.dropped()).isZero();
                for (JournalEntry e : part.entries()) {
                    assertThat(e.seq()).isEqualTo(seen[0]++);
                }
            }
            java.util.concurrent.CompletableFuture.allOf(clients.toArray(java.util.concurrent.CompletableFuture[]::new))
                    .get(60, TimeUnit.SECONDS);
            int total = threads * each;
            await().until(() -> proxy.journal().mark() == 2L * total);

            List<JournalEntry> entries = proxy.journal().entries();
            assertThat(entries).extracting(JournalEntry::seq)
                    .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 2L * total).boxed().toList());
            for (long id = 1; id <= total; id++) {
                long conn = id;
                List<JournalEntry> mine = entries.stream().filter(e -> e.connection() == conn).toList();
                assertThat(kinds(mine)).as("connection %d", id).containsExactly(Kind.OPENED, Kind.CLOSED);
                assertThat(mine.get(1).detail()).contains(", 5 B up, 5 B down (completed)");
            }
        }
    }

    @Test
    void sizeZeroKeepsNothingAndABadSizeIsRefused() throws Exception {
        try (TcpServer upstream = TcpServer.echo();
                ChaosProxy proxy = ChaosProxy.builder().journalSize(0).route(0, upstream.address()).start()) {
            roundTrips(proxy, 2);
            proxy.routes().get(0).disable();
            assertThat(proxy.journal().entries()).isEmpty();
            assertThat(proxy.journal().mark()).isZero();
            assertThat(proxy.journal().text()).isEmpty();
        }
        assertThatThrownBy(() -> ChaosProxy.builder().journalSize(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("journalSize: -1 is outside 0..1048576; 0 turns the journal off");
    }

    private static void roundTrips(ChaosProxy proxy, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                client.getOutputStream().write("hello".getBytes());
                client.shutdownOutput();
                assertThat(client.getInputStream().readAllBytes()).hasSize(5);
            }
        }
    }

    /** Reads until the end of stream or a reset. */
    private static void readToEndOrReset(InputStream in) {
        try {
            in.readAllBytes();
        } catch (IOException e) {
            // a reset: what a drop in RESET mode sends
        }
    }

    private static List<Kind> kinds(List<JournalEntry> entries) {
        return entries.stream().map(JournalEntry::kind).toList();
    }
}
