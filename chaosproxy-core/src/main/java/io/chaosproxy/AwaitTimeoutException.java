package io.chaosproxy;

/**
 * A wait on a route ({@link Route#awaitConnections}, {@link Route#awaitIdle}, ...) that ran out of time. Its message
 * says what was awaited and what the route had reached, e.g.
 * {@code route 'db': 2 of 3 connections accepted within 5s}.
 */
public final class AwaitTimeoutException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A timeout with a message that says what was awaited and what was reached. */
    public AwaitTimeoutException(String message) {
        super(message);
    }
}
