package io.chaosproxy.examples.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Direction;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * HikariCP and the PostgreSQL JDBC driver against a real PostgreSQL, through a chaos-proxy route:
 *
 * <pre>
 * HikariDataSource -> pgjdbc -> [route "db"] -> PostgreSQL (zonky's binaries, see PostgresServer)
 * </pre>
 *
 * Each test is one scenario and prints what it measured. {@code java.sql.Connection} is the JDBC connection;
 * chaos-proxy's own is {@code io.chaosproxy.ChaosConnection}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)   // the order of the README's list; any order passes
class PostgresThroughChaosTest {
    private static final long SEED = 13;
    private static final long CONNECTION_TIMEOUT_MS = 1000;   // Hikari's minimum is 250
    private static PostgresServer postgres;
    private static ChaosProxy proxy;
    private static Route db;

    @BeforeAll
    static void startPostgresAndProxy() throws Exception {
        try {
            postgres = PostgresServer.start();
        } catch (Exception e) {
            Assumptions.abort("no PostgreSQL could be started here, so the PostgreSQL example is skipped: " + e);
        }
        System.out.println("[pg] " + postgres);
        try (Connection direct = directConnection(); Statement s = direct.createStatement()) {
            s.execute("CREATE TABLE orders (id uuid PRIMARY KEY, amount int NOT NULL)");
        }
        proxy = ChaosProxy.builder().seed(SEED)
                .shutdownTimeout(Duration.ZERO)                 // cut whatever a pool left open, at once
                .route(0, "127.0.0.1:" + postgres.port()).name("db")
                .start();
        db = proxy.route("db");
    }

    @AfterEach
    void healTheRoute() {
        db.clearFaults();
        if (!db.isEnabled()) {
            db.enable();
        }
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (postgres != null) {
            postgres.close();   // after the proxy: PostgreSQL's shutdown waits for its clients
        }
    }

    @Test
    @Order(1)
    void disabledRouteFailsGetConnectionWithinConnectionTimeoutAndThePoolRecoversAfterEnable() throws Exception {
        try (HikariDataSource pool = pool("down", 1, config -> { })) {
            Connection held = pool.getConnection();
            selectOne(held);

            db.disable();   // the port refuses new connections, and live ones are cut
            // The connection the application held is dead; closing it makes Hikari evict it, not pool it.
            assertThat(failure(() -> selectOne(held)).getSQLState()).isEqualTo("08006");
            held.close();

            long start = System.nanoTime();
            SQLException down = failure(pool::getConnection);
            long failedAfter = millisSince(start);
            // Hikari keeps retrying the refused connect until connectionTimeout, then gives the last cause.
            // (The cast: an SQLException is also an Iterable, which would pick AssertJ's iterable assertions.)
            assertThat((Throwable) down).isInstanceOf(SQLTransientConnectionException.class)
                    .hasMessageContaining("request timed out")
                    .cause().hasMessageContaining("refused");
            assertThat(failedAfter).isBetween(CONNECTION_TIMEOUT_MS, CONNECTION_TIMEOUT_MS + 1000);

            db.enable();
            start = System.nanoTime();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(10)).ignoreExceptions()
                    .until(() -> selectOne(pool));
            long recoveredAfter = millisSince(start);
            System.out.printf("[pg a] route disabled: getConnection() failed after %d ms (connectionTimeout %d ms);"
                    + " first good query %d ms after enable()%n", failedAfter, CONNECTION_TIMEOUT_MS, recoveredAfter);
        }
    }

    @Test
    @Order(2)
    void socketTimeoutEndsAQueryStuckBehindLatency() throws Exception {
        // pgjdbc's socketTimeout (seconds) bounds every read, the login's too: connect before adding the latency.
        try (HikariDataSource pool = pool("socket-timeout", 1, c -> c.addDataSourceProperty("socketTimeout", "1"));
                Connection connection = pool.getConnection()) {
            selectOne(connection);
            db.addFault(Fault.latency(Duration.ofSeconds(5)));   // every response 5 s late

            long start = System.nanoTime();
            SQLException e = failure(() -> selectOne(connection));
            long failedAfter = millisSince(start);
            assertThat(e.getSQLState()).isEqualTo("08006");   // pgjdbc closes the connection; Hikari evicts it
            assertThat((Throwable) e).hasRootCauseInstanceOf(SocketTimeoutException.class);
            assertThat(failedAfter).isBetween(1000L, 2500L);
            System.out.printf("[pg b] latency 5 s, socketTimeout 1 s: the query failed after %d ms (%s)%n",
                    failedAfter, e.getCause().getMessage());
        }
    }

    @Test
    @Order(3)
    void queryTimeoutAloneWaitsForTheCancelToCrossTheSlowNetwork() throws Exception {
        try (HikariDataSource pool = pool("query-timeout", 1, config -> { });
                Connection connection = pool.getConnection()) {
            long direct = timeCancelledSleep(connection);   // no fault: cancelled after queryTimeout

            db.addFault(Fault.latency(Duration.ofSeconds(1)).direction(Direction.BOTH));
            long accepted = db.metrics().acceptedConnections();
            long slow = timeCancelledSleep(connection);
            // pgjdbc cancels by opening a new connection to the server: through the same route, at the same latency.
            // Query sent at 0 arrives at 1 s; the cancel sent at 1 s arrives at 2 s; its error is back at 3 s.
            assertThat(db.metrics().acceptedConnections()).isEqualTo(accepted + 1);
            assertThat(direct).isBetween(1000L, 2500L);
            assertThat(slow).isBetween(3000L, 5000L);   // past 5 s pg_sleep(3) would have ended uncancelled
            System.out.printf("[pg b] queryTimeout 1 s on pg_sleep(3): cancelled after %d ms without chaos, after %d ms"
                    + " with 1 s latency each way (the cancel request crossed the same route)%n", direct, slow);
        }
    }

    @Test
    @Order(4)
    void resetPeerFailsTheNextQueryAndThePoolHeals() throws Exception {
        try (HikariDataSource pool = pool("reset", 2, config -> { })) {
            Connection first = pool.getConnection();
            Connection second = pool.getConnection();
            selectOne(first);
            selectOne(second);
            long opened = db.metrics().acceptedConnections();

            db.addFault(Fault.resetPeer(Duration.ZERO).named("rst"));   // live connections get it: an RST, now
            await().atMost(Duration.ofSeconds(5)).until(() -> db.connections().isEmpty());
            db.removeFault("rst");                                     // new connections pass again

            long start = System.nanoTime();
            for (Connection reset : new Connection[] {first, second}) {
                // 08006 is "connection failure": Hikari evicts such a connection when it is closed
                assertThat(failure(() -> selectOne(reset)).getSQLState()).isEqualTo("08006");
                reset.close();
            }
            long failedAfter = millisSince(start);
            // Had they sat idle in the pool instead, Hikari would have tested them before handing them out
            // (after 500 ms idle: its aliveBypassWindowMs) and replaced them unseen.
            start = System.nanoTime();
            assertThat(selectOne(pool)).isTrue();
            long healedAfter = millisSince(start);
            assertThat(db.metrics().acceptedConnections()).isGreaterThan(opened);   // a new connection, not a reset one
            System.out.printf("[pg c] resetPeer on 2 live connections: both next queries failed within %d ms;"
                    + " the next getConnection() and query took %d ms (pool total %d)%n",
                    failedAfter, healedAfter, pool.getHikariPoolMXBean().getTotalConnections());
        }
    }

    @Test
    @Order(5)
    void retryingIdempotentWriterLosesAndDuplicatesNoRowUnderTerminate() throws Exception {
        int rows = 200;
        Random random = new Random(SEED);
        Set<UUID> ids = new LinkedHashSet<>();
        while (ids.size() < rows) {
            ids.add(new UUID(random.nextLong(), random.nextLong()));   // the client names each row: a retry is safe
        }
        int failedAttempts = 0;
        int alreadyThere = 0;
        long start = System.nanoTime();
        // The pool starts before the fault: Hikari fails its start if its first connection fails.
        try (HikariDataSource pool = pool("writer", 1, config -> { })) {
            db.addFault(Fault.terminate(0.03).direction(Direction.BOTH));   // an RST for 3% of chunks, either way
            for (UUID id : ids) {
                for (int attempt = 1; ; attempt++) {
                    try (Connection c = pool.getConnection();
                            PreparedStatement insert = c.prepareStatement(
                                    "INSERT INTO orders (id, amount) VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
                        insert.setObject(1, id);
                        insert.setInt(2, 100);
                        // 0: an earlier attempt was committed, only its reply was lost
                        alreadyThere += insert.executeUpdate() == 0 ? 1 : 0;
                        break;
                    } catch (SQLException e) {
                        failedAttempts++;
                        assertThat(attempt).as("attempts for one row").isLessThan(20);
                    }
                }
            }
        }
        long tookMs = millisSince(start);
        long terminated = db.metrics().faultsInjected().getOrDefault("terminate", 0L);
        db.clearFaults();

        Set<UUID> stored = new HashSet<>();
        try (Connection direct = directConnection(); Statement s = direct.createStatement();
                ResultSet r = s.executeQuery("SELECT id FROM orders")) {
            while (r.next()) {
                stored.add(r.getObject(1, UUID.class));
            }
        }
        assertThat(stored).hasSize(rows).isEqualTo(ids);   // not one lost, not one twice (the key forbids that)
        assertThat(failedAttempts).isPositive();
        System.out.printf("[pg d] terminate 0.03 both ways: %d rows written in %d ms; %d connections cut, %d failed"
                + " attempts retried, %d retries found their row already committed; %d rows stored, each once%n",
                rows, tookMs, terminated, failedAttempts, alreadyThere, stored.size());
    }

    private static HikariDataSource pool(String name, int size, Consumer<HikariConfig> settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("pg-" + name);
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + db.localPort() + "/postgres");   // the route, not PostgreSQL
        config.setUsername("postgres");
        config.setMaximumPoolSize(size);
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        config.setValidationTimeout(250);   // Hikari's minimum: a dead connection is found out quickly
        settings.accept(config);
        return new HikariDataSource(config);
    }

    private static Connection directConnection() throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres",
                "postgres", "");
    }

    private static boolean selectOne(HikariDataSource pool) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return selectOne(c);
        }
    }

    private static boolean selectOne(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT 1")) {
            return r.next() && r.getInt(1) == 1;
        }
    }

    /** Runs a 3 s pg_sleep with queryTimeout 1 s and says how long it took until PostgreSQL's cancel error. */
    private static long timeCancelledSleep(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            long start = System.nanoTime();
            SQLException e = failure(() -> s.execute("SELECT pg_sleep(3)"));
            long took = millisSince(start);
            assertThat(e.getSQLState()).isEqualTo("57014");   // query_canceled: the cancel reached the server
            return took;
        }
    }

    /** The SQLException the call throws; the test fails if it returns normally. */
    private static SQLException failure(ThrowingCallable call) {
        SQLException e = catchThrowableOfType(SQLException.class, call);
        assertThat((Throwable) e).as("an SQLException").isNotNull();
        return e;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
