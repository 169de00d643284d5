package io.chaosproxy.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** An upstream for tests that answers each connection with its name and closes: which target served a client. */
final class IdentityServer implements AutoCloseable {
    private final ServerSocket server;
    private final byte[] name;
    private final Thread acceptor;

    IdentityServer(String name) throws IOException {
        this.name = name.getBytes(StandardCharsets.UTF_8);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "identity-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket socket = server.accept(); OutputStream out = socket.getOutputStream()) {
                out.write(name);
            } catch (IOException e) {
                // A health probe closes at once; a closed server ends the loop.
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        acceptor.join(5000);
    }
}
