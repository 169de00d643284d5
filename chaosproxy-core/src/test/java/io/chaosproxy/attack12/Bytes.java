package io.chaosproxy.attack12;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Random;

/** Helpers the issue-12 attacks share: payloads, reading to the end, and the in-order subsequence check. */
final class Bytes {
    private Bytes() {
    }

    static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(20_000);   // a hang fails the test instead of blocking it
        return socket;
    }

    static byte[] payload(long seed, int size) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    /** Everything up to the end of the stream; a reset throws. */
    static byte[] readToEnd(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toByteArray();
    }

    /**
     * How many bytes of {@code sent}, from its start, appear in {@code received} in order (greedily). Equal to
     * {@code sent.length} when every byte arrived, in order, whatever was inserted between them. With random
     * payloads and at most as much garbage as data, a lost or reordered 4 KiB piece cannot be matched by chance.
     */
    static int inOrderPrefix(byte[] sent, byte[] received) {
        int matched = 0;
        for (int i = 0; i < received.length && matched < sent.length; i++) {
            if (received[i] == sent[matched]) {
                matched++;
            }
        }
        return matched;
    }
}
