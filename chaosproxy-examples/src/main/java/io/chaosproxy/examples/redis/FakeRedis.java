package io.chaosproxy.examples.redis;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for a Redis server, small enough to read: one thread per connection, inline commands (one line
 * each, words split by spaces), RESP replies. Knows {@code SET key value} ({@code +OK}), {@code GET key} (a bulk
 * string, or a null one), {@code PING} ({@code +PONG}) and {@code QUIT} ({@code +OK}, then it closes the
 * connection); anything else is an {@code -ERR}. Listens on an ephemeral port of 127.0.0.1.
 */
public final class FakeRedis implements AutoCloseable {
    private final ServerSocket server;
    private final Thread acceptor;
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final Set<Socket> clients = ConcurrentHashMap.newKeySet();

    private FakeRedis(ServerSocket server) {
        this.server = server;
        this.acceptor = new Thread(this::accept, "fake-redis-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a server on an ephemeral port. */
    public static FakeRedis start() throws IOException {
        return new FakeRedis(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /** Where it listens, {@code 127.0.0.1:<port>}: a route's upstream. */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Stops listening, closes every connection and waits for its threads. */
    @Override
    public void close() throws IOException {
        server.close();
        for (Socket client : clients) {
            client.close();
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                clients.add(client);
                Thread serving = new Thread(() -> serve(client), "fake-redis-" + client.getPort());
                serving.setDaemon(true);
                serving.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client; InputStream in = new BufferedInputStream(client.getInputStream());
                OutputStream out = client.getOutputStream()) {
            String line;
            while ((line = readLine(in)) != null) {
                String[] words = line.split(" ", 3);
                String command = words[0].toUpperCase(Locale.ROOT);
                out.write(reply(command, words).getBytes(UTF_8));
                out.flush();
                if (command.equals("QUIT")) {
                    return;
                }
            }
        } catch (IOException e) {
            // The client went away, or the server is closing: nothing to answer.
        } finally {
            clients.remove(client);
        }
    }

    private String reply(String command, String[] words) {
        switch (command) {
            case "SET":
                if (words.length == 3) {
                    values.put(words[1], words[2]);
                    return "+OK\r\n";
                }
                return "-ERR wrong number of arguments for 'set' command\r\n";
            case "GET":
                String value = words.length == 2 ? values.get(words[1]) : null;
                return value == null ? "$-1\r\n" : "$" + value.getBytes(UTF_8).length + "\r\n" + value + "\r\n";
            case "PING":
                return "+PONG\r\n";
            case "QUIT":
                return "+OK\r\n";
            default:
                return "-ERR unknown command '" + command + "'\r\n";
        }
    }

    /** A line without its \r\n; null at the end of the stream. */
    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                return null;
            }
            line.write(b);
        }
        String text = line.toString(UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
