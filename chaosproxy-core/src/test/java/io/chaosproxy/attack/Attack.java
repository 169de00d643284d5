package io.chaosproxy.attack;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Random;

/** Helpers the attacks share. */
final class Attack {
    /** What the README allows one direction of one connection above the high-water mark. */
    static final long PIPE_SLACK = 256 * 1024;   // the README's bound: the high-water mark plus 256 KiB

    private Attack() {
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000);
        return socket;
    }

    static byte[] payload(long seed, int size) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Writes {@code block} until the socket fails (the test closed it). */
    static void writeForever(Socket socket, byte[] block) throws IOException {
        OutputStream out = socket.getOutputStream();
        while (true) {
            out.write(block);
        }
    }
}
