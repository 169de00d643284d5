package io.chaosproxy.attack11;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A port that never answers a connect: a listener whose accept queue is full (Linux drops the SYNs that find it
 * so), until {@link #open()} makes room again, when the next SYN the client sends gets through.
 */
final class Blackhole implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    private Blackhole() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        fill();
    }

    static Blackhole start() throws IOException {
        return new Blackhole();
    }

    String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Connects until a connect finds no room: from then on connects hang. */
    private void fill() throws IOException {
        for (int i = 0; i < 16; i++) {
            Socket filler = new Socket();
            try {
                filler.connect(server.getLocalSocketAddress(), 200);
                fillers.add(filler);
            } catch (IOException full) {
                filler.close();
                return;
            }
        }
        throw new IllegalStateException("the accept queue never filled; connects would not hang");
    }

    /** Accepts what fills the queue and closes it: the next SYN (a hanging connect's retransmission) gets through. */
    void open() throws IOException {
        for (int i = 0; i < fillers.size(); i++) {
            server.accept().close();
        }
    }

    /** Accepts one more connection (after {@link #open()}). */
    Socket accept() throws IOException {
        return server.accept();
    }

    @Override
    public void close() throws IOException {
        for (Socket filler : fillers) {
            filler.close();
        }
        server.close();
    }
}
