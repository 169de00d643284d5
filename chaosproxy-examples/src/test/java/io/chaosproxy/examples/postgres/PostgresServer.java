package io.chaosproxy.examples.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;

/**
 * A real PostgreSQL for the example, from the binaries in zonky's Maven artifacts: no Docker, no installed server.
 *
 * <p>PostgreSQL refuses to run as root. As a normal user zonky's {@link EmbeddedPostgres} just works; as root it
 * runs the binaries in a user namespace ({@code unshare -U}), which plain Linux allows but a container's default
 * seccomp profile may not. Where that fails, {@link PostgresAsNobody} runs the same binaries as user
 * {@code nobody} through {@code setpriv}. {@code -Dexamples.postgres=nobody} picks that way directly.
 */
final class PostgresServer implements AutoCloseable {
    private final int port;
    private final AutoCloseable server;
    private final String how;

    private PostgresServer(int port, AutoCloseable server, String how) {
        this.port = port;
        this.server = server;
        this.how = how;
    }

    /** Starts PostgreSQL on an ephemeral port of 127.0.0.1, superuser {@code postgres}, no password. */
    static PostgresServer start() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!"nobody".equals(System.getProperty("examples.postgres"))) {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                return new PostgresServer(pg.getPort(), pg, root ? "zonky, as root in a user namespace" : "zonky");
            } catch (IOException | RuntimeException e) {
                if (!root) {
                    throw e;
                }
                System.out.println("[postgres] zonky could not start PostgreSQL as root (" + e.getMessage()
                        + "); trying the same binaries as user nobody");
            }
        }
        PostgresAsNobody pg = PostgresAsNobody.start();
        return new PostgresServer(pg.port(), pg, "zonky's binaries as user nobody (setpriv)");
    }

    int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        server.close();
    }

    @Override
    public String toString() {
        return "PostgreSQL on port " + port + " (" + how + ")";
    }
}
