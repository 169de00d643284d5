package io.chaosproxy.attack;

import io.chaosproxy.TcpServer;
import java.net.Socket;

/** A test upstream (a {@link TcpServer}) whose handler may throw anything: the attacks cut connections on purpose. */
final class Upstream implements AutoCloseable {
    @FunctionalInterface
    interface Handler {
        void handle(Socket socket) throws Exception;
    }

    private final TcpServer server;

    private Upstream(TcpServer server) {
        this.server = server;
    }

    static Upstream start(Handler handler) {
        return new Upstream(TcpServer.start(socket -> {
            try {
                handler.handle(socket);
            } catch (Exception e) {
                // the proxy or the test went away: what most attacks do on purpose
            }
        }));
    }

    String address() {
        return server.address();
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
