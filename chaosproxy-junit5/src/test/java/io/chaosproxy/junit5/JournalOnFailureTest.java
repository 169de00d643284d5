package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.JournalEntry;
import io.chaosproxy.Route;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

class JournalOnFailureTest {

    @AfterAll
    static void stopTheFixturesUpstream() throws IOException {
        FailsAfterAReset.echo.close();
    }

    @Test
    @ResourceLock(value = Resources.SYSTEM_PROPERTIES, mode = ResourceAccessMode.READ)   // the directory's
    void aFailedTestsJournalIsWrittenUnderTargetAsTextAndJson() throws IOException {
        Path dir = Path.of("target/chaosproxy", FailsAfterAReset.class.getName());
        try (var old = Files.exists(dir) ? Files.list(dir) : java.util.stream.Stream.<Path>empty()) {
            for (Path file : old.toList()) {
                Files.delete(file);   // an earlier build's
            }
        }

        Kit.run(FailsAfterAReset.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(1));

        List<String> lines = Files.readAllLines(dir.resolve("failsAfterAConnectionIsReset.txt"));
        assertThat(lines).satisfiesExactly(
                line -> assertThat(line).matches("\\+\\d+ ms db fault added cut\\{type=reset_peer.*"),
                line -> assertThat(line).matches("\\+\\d+ ms db#\\d+ opened from 127\\.0\\.0\\.1:\\d+ to 127\\.0\\.0\\.1:\\d+"),
                line -> assertThat(line).matches("\\+\\d+ ms db#\\d+ cut reset after 0ms"),
                line -> assertThat(line).matches("\\+\\d+ ms db#\\d+ closed after [\\d.]+ ms, 0 B up, 0 B down \\(.*\\)"));
        assertThat(Files.readString(dir.resolve("failsAfterAConnectionIsReset.json")))
                .startsWith("{\"entries\":[\n{\"seq\":").contains("\"kind\":\"injected\",\"subject\":\"cut\"");
        assertThat(dir.resolve("passes.txt")).doesNotExist();   // nor anything of the first test's connection
    }

    @Test
    @ResourceLock(Resources.SYSTEM_PROPERTIES)
    void theDirectoryIsASystemProperty(@TempDir Path tmp) {
        System.setProperty("chaosproxy.journal.dir", tmp.toString());
        try {
            Kit.run(FailsAfterAReset.class).testEvents().assertStatistics(s -> s.failed(1));
        } finally {
            System.clearProperty("chaosproxy.journal.dir");
        }
        Path dir = tmp.resolve(FailsAfterAReset.class.getName());
        assertThat(dir.resolve("failsAfterAConnectionIsReset.txt")).isNotEmptyFile();
        assertThat(dir.resolve("failsAfterAConnectionIsReset.json")).isNotEmptyFile();
        assertThat(dir.resolve("passes.txt")).doesNotExist();
    }

    @Test
    @ResourceLock(Resources.SYSTEM_PROPERTIES)
    void aDirectoryNoFileCanBeInLeavesTheTestsFailureAndUndoesItsFaults() {
        System.setProperty("chaosproxy.journal.dir", "no\0where");   // no path on any file system
        try {
            var events = Kit.run(FailsWithAFault.class).testEvents();
            events.assertStatistics(s -> s.succeeded(1).failed(1));
            assertThat(Kit.failureMessages(events)).singleElement().asString()
                    .contains("[the test's own failure]");
        } finally {
            System.clearProperty("chaosproxy.journal.dir");
        }
    }

    /** The first test adds a fault and fails; the second finds the class route's faults restored. */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class FailsWithAFault {
        @RegisterExtension
        static ChaosProxyExtension chaos = ChaosProxyExtension.builder().route("db", () -> "127.0.0.1:1", r -> { })
                .build();

        @Test
        @Order(1)
        void addsAFaultAndFails(Route db) {
            db.addFault(Fault.latency(Duration.ofMillis(5)).named("mine"));
            assertThat(1).as("the test's own failure").isEqualTo(2);
        }

        @Test
        @Order(2)
        void findsTheFaultsRestored(Route db) {
            assertThat(db.faults()).isEmpty();
        }
    }

    /** One class proxy for both tests, the passing one first: the failing test's file holds its own part only. */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class FailsAfterAReset {
        static final EchoServer echo = echo();   // closed by the enclosing class: both of its tests run this one

        @RegisterExtension
        static ChaosProxyExtension chaos = ChaosProxyExtension.builder()
                .route("db", echo::address, r -> { })
                .build();

        @Test
        @Order(1)
        void passes(ChaosProxy proxy, Route db) throws IOException {
            assertThat(Kit.roundTrip(db.localPort(), "hello")).isEqualTo("hello");
            // The proxy may see the close after the client has gone: its entry belongs to this test.
            awaitEveryConnectionClosed(proxy);
        }

        @Test
        @Order(2)
        void failsAfterAConnectionIsReset(ChaosProxy proxy, Route db) throws IOException {
            db.addFault(Fault.resetPeer(Duration.ZERO).named("cut").direction(io.chaosproxy.Direction.UPSTREAM));
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), db.localPort())) {
                readToEndOrReset(client.getInputStream());
            }
            awaitEveryConnectionClosed(proxy);
            assertThat("the reply").as("what the client got").isEqualTo("hello");   // fails, as meant
        }

        /** Until the journal has a closed entry for each opened one. */
        private static void awaitEveryConnectionClosed(ChaosProxy proxy) {
            org.awaitility.Awaitility.await().until(() -> count(proxy, JournalEntry.Kind.CLOSED) == count(proxy,
                    JournalEntry.Kind.OPENED));
        }

        private static long count(ChaosProxy proxy, JournalEntry.Kind kind) {
            return proxy.journal().entries().stream().filter(e -> e.kind() == kind).count();
        }

        private static EchoServer echo() {
            try {
                return new EchoServer();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private static void readToEndOrReset(InputStream in) {
            try {
                in.readAllBytes();
            } catch (IOException e) {
                // the reset
            }
        }
    }
}
