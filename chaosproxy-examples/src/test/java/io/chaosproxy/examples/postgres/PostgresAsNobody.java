package io.chaosproxy.examples.postgres;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * PostgreSQL from zonky's binary artifact, run by root as user {@code nobody} (uid and gid 65534 on Debian,
 * Ubuntu, Alpine and RHEL) through util-linux's {@code setpriv}: initdb and the server refuse root, and a
 * container may forbid the user namespace zonky uses instead. Everything lives in one temporary directory,
 * deleted on close.
 */
final class PostgresAsNobody implements AutoCloseable {
    private static final int NOBODY = 65534;
    private final Path dir;
    private final Process server;
    private final int port;

    private PostgresAsNobody(Path dir, Process server, int port) {
        this.dir = dir;
        this.server = server;
        this.port = port;
    }

    static PostgresAsNobody start() throws Exception {
        Path dir = Files.createTempDirectory("chaosproxy-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));   // nobody must reach bin/
        try (InputStream txz = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", architecture())) {
            untar(txz, dir);
        }
        Path data = Files.createDirectory(dir.resolve("data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setAttribute(data, "unix:uid", NOBODY);
        Files.setAttribute(data, "unix:gid", NOBODY);

        run(dir, "initdb", "-D", data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF-8", "--no-locale");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {   // zonky picks its port the same way
            port = probe.getLocalPort();
        }
        Process server = asNobody(dir, "postgres", "-D", data.toString(), "-p", String.valueOf(port),
                "-h", "127.0.0.1", "-k", "")   // TCP only: no Unix socket directory to own
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
        PostgresAsNobody pg = new PostgresAsNobody(dir, server, port);
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .failFast("postgres exited", () -> !server.isAlive())
                    .ignoreExceptions().until(pg::accepts);
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    int port() {
        return port;
    }

    private boolean accepts() throws Exception {
        try (var c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "")) {
            return c.isValid(1);
        }
    }

    /** SIGTERM is a "smart" shutdown: it waits for clients, so close the pool and the proxy first. */
    @Override
    public void close() throws IOException, InterruptedException {
        server.destroy();
        if (!server.waitFor(10, SECONDS)) {
            server.destroyForcibly().waitFor(10, SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static ProcessBuilder asNobody(Path dir, String program, String... args) {
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", dir.resolve("bin").resolve(program).toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile());   // a working directory nobody may enter
    }

    private static void run(Path dir, String program, String... args) throws IOException, InterruptedException {
        Process p = asNobody(dir, program, args).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(program + " as nobody failed: " + output.strip());
        }
    }

    /** Unpacks the .txz in Java, keeping modes and symbolic links: no tar or xz binary needed. */
    private static void untar(InputStream txz, Path dir) throws IOException {
        try (var tar = new TarArchiveInputStream(new XZCompressorInputStream(txz))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                Path target = dir.resolve(e.getName()).normalize();
                if (!target.startsWith(dir)) {
                    throw new IOException("archive entry outside its directory: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                if (e.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Path.of(e.getLinkName()));
                } else {
                    Files.copy(tar, target);
                    Files.setPosixFilePermissions(target, permissions(e.getMode()));
                }
            }
        }
    }

    /** As zonky names it; only the amd64 binaries come with it unless a project adds others. */
    private static String architecture() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") ? "x86_64" : arch;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        return PosixFilePermissions.fromString((mode & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--");
    }
}
