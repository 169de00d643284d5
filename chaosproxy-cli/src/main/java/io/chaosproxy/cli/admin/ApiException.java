package io.chaosproxy.cli.admin;

import io.chaosproxy.DuplicateException;

/** An answer other than success: the status and the message sent as Toxiproxy's {@code {"error","status"}}. */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    int status() {
        return status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    /**
     * A name or port the proxy's own check found taken, in Toxiproxy's words: 409 "proxy already exists" or
     * "toxic already exists". A port another proxy has stays a 400 naming it, as it always was here (Toxiproxy
     * has no such check: its bind fails).
     */
    static ApiException duplicate(DuplicateException e) {
        return switch (e.kind()) {
            case ROUTE_NAME -> new ApiException(409, "proxy already exists");
            case FAULT_NAME -> new ApiException(409, "toxic already exists");
            case LOCAL_PORT -> badRequest(e.getMessage());
        };
    }

    static ApiException proxyNotFound() {
        return new ApiException(404, "proxy not found");
    }

    static ApiException connectionNotFound() {
        return new ApiException(404, "connection not found");
    }

    static ApiException toxicNotFound() {
        return new ApiException(404, "toxic not found");
    }
}
