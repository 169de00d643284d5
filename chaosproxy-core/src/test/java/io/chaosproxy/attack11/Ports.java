package io.chaosproxy.attack11;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports for the attacks: a free one, and whether one can be bound now. */
final class Ports {
    private Ports() {
    }

    /** Bound, never listening: held for the JVM's life, so that no other program can take the ports. */
    private static final java.util.List<java.net.Socket> HELD = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * {@code 127.0.0.1:<port>}: a target that refuses, for good. The port is bound by a socket that never listens,
     * so a connect gets an RST, and nothing else can bind it; a port that was merely free a moment ago was taken
     * by another build's server once, and the "dead" target then answered (96 failures instead of 1,050).
     */
    static String dead() {
        try {
            java.net.Socket holder = new java.net.Socket();
            holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            HELD.add(holder);
            return "127.0.0.1:" + holder.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
