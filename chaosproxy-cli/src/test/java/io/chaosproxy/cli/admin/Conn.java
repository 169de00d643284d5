package io.chaosproxy.cli.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A test client connection through a proxy, with timed round trips. */
final class Conn implements AutoCloseable {
    private final Socket socket;

    Conn(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5000);
        socket.setTcpNoDelay(true);
    }

    static int portOf(String listen) {
        return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /** Reads until {@code n} bytes came or the stream ended; returns what came. */
    String read(int n) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[n];
        while (got.size() < n) {
            int r = socket.getInputStream().read(buffer, 0, n - got.size());
            if (r < 0) {
                break;
            }
            got.write(buffer, 0, r);
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    /** Reads {@code n} bytes; the size of each read, which shows how the bytes were sliced on the way. */
    List<Integer> readSizes(int n) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        byte[] buffer = new byte[n];
        for (int got = 0; got < n; ) {
            int r = socket.getInputStream().read(buffer, 0, n - got);
            if (r < 0) {
                throw new IOException("the stream ended after " + got + " of " + n + " bytes");
            }
            sizes.add(r);
            got += r;
        }
        return sizes;
    }

    /** Whether nothing arrives within {@code millis}. */
    boolean silentFor(int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            socket.getInputStream().read();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(5000);
        }
    }

    /** Sends {@code text} and reads its echo; returns the milliseconds it took. */
    long roundTrip(String text) throws IOException {
        long start = System.nanoTime();
        send(text);
        String echoed = read(text.length());
        if (!echoed.equals(text)) {
            throw new IOException("echo was \"" + echoed + "\", expected \"" + text + "\"");
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Reads until end of stream; the milliseconds it took, or -1 if the connection was reset instead. */
    long millisToEnd() throws IOException {
        long start = System.nanoTime();
        try {
            while (socket.getInputStream().read() >= 0) {
                // discard
            }
        } catch (java.net.SocketException e) {
            return -1;
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
