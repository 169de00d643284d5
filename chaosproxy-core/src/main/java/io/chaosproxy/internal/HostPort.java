package io.chaosproxy.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * An upstream as the user wrote it: {@code host:port}, {@code ip:port} or {@code [ipv6]:port}.
 *
 * @param text the text as given
 * @param host the host name or address literal, without brackets
 * @param port 1..65535
 */
public record HostPort(String text, String host, int port) {
    private static final String EXPECTED = "expected host:port, ip:port or [ipv6]:port";

    /** Parses an upstream; the message of the exception says what is wrong and what is expected. */
    public static HostPort parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("upstream is empty; " + EXPECTED);
        }
        String trimmed = text.strip();
        String host;
        String portText;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0 || close + 1 >= trimmed.length() || trimmed.charAt(close + 1) != ':') {
                throw malformed(text, "has no port after the bracketed address");
            }
            host = trimmed.substring(1, close);
            portText = trimmed.substring(close + 2);
        } else {
            int colon = trimmed.lastIndexOf(':');
            if (colon < 0) {
                throw malformed(text, "has no port");
            }
            host = trimmed.substring(0, colon);
            portText = trimmed.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw malformed(text, "looks like an IPv6 address without brackets");
            }
        }
        if (host.isEmpty()) {
            throw malformed(text, "has no host");
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw malformed(text, "has a port that is not a number");
        }
        if (port < 1 || port > 65535) {
            throw malformed(text, "has port " + port + ", outside 1..65535");
        }
        return new HostPort(text, host, port);
    }

    /** Resolves the host now; an unknown host fails with a message that names it. */
    public InetSocketAddress resolve() {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    "upstream \"" + text + "\": unknown host " + host + "; check the name or use an IP address", e);
        }
    }

    private static IllegalArgumentException malformed(String text, String problem) {
        return new IllegalArgumentException("upstream \"" + text + "\" " + problem + "; " + EXPECTED);
    }

    @Override
    public String toString() {
        return text;
    }
}
