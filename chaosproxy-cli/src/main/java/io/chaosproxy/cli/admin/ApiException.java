package io.chaosproxy.cli.admin;

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

    static ApiException proxyNotFound() {
        return new ApiException(404, "proxy not found");
    }

    static ApiException toxicNotFound() {
        return new ApiException(404, "toxic not found");
    }
}
