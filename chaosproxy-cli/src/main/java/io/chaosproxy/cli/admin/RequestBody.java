package io.chaosproxy.cli.admin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;

/**
 * Reads a request body of at most {@link #LIMIT} bytes, so that no request makes the admin API hold more. A
 * declared {@code Content-Length} over the limit is refused before a byte of the body is read; a chunked body is
 * read up to the limit and no further.
 */
final class RequestBody {
    /** 1 MiB: a {@code /populate} of a thousand proxies with toxics fits many times over. */
    static final int LIMIT = 1 << 20;

    private RequestBody() {
    }

    /**
     * The whole body.
     *
     * @throws ApiException 413 when the body is over the limit
     */
    static byte[] read(HttpExchange exchange) throws IOException {
        String declared = exchange.getRequestHeaders().getFirst("Content-Length");
        if (declared != null && isOverLimit(declared)) {
            throw tooLarge(exchange, declared.strip() + " bytes");
        }
        // Not closed here: closing would drain what is left of an oversized body before the 413 is sent. Closing
        // the exchange does it after the answer, bounded by the JDK server (64 KiB, then the connection closes).
        byte[] body = exchange.getRequestBody().readNBytes(LIMIT + 1);
        if (body.length > LIMIT) {
            throw tooLarge(exchange, "more than " + LIMIT + " bytes");
        }
        return body;
    }

    private static boolean isOverLimit(String declared) {
        try {
            return Long.parseLong(declared.strip()) > LIMIT;
        } catch (NumberFormatException e) {
            return false;   // the JDK server answers a malformed length itself; read as usual otherwise
        }
    }

    private static ApiException tooLarge(HttpExchange exchange, String size) {
        // What is left of the body is not read: the connection cannot carry another request.
        exchange.getResponseHeaders().set("Connection", "close");
        return new ApiException(413, "request body: " + size + " is over the limit of " + LIMIT
                + " bytes (1 MiB); send a smaller body, e.g. populate in several calls");
    }
}
