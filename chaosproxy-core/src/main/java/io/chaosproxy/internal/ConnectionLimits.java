package io.chaosproxy.internal;

/**
 * A route's limits on new connections: at most so many open at once, at most so many new ones per second (a token
 * bucket holding one second's worth, so a burst of that size passes at once). Acceptor thread only.
 */
final class ConnectionLimits {
    private final int maxConnections;   // 0: none
    private final int perSecond;        // 0: none
    private double tokens;
    private long lastNanos;
    private boolean filled;

    ConnectionLimits(int maxConnections, int perSecond) {
        this.maxConnections = maxConnections;
        this.perSecond = perSecond;
    }

    boolean none() {
        return maxConnections == 0 && perSecond == 0;
    }

    /** Whether a new connection may be served, given how many are open now; takes a token if it may. */
    boolean admit(int open, long nowNanos) {
        if (maxConnections > 0 && open >= maxConnections) {
            return false;
        }
        if (perSecond == 0) {
            return true;
        }
        if (!filled) {
            filled = true;
            tokens = perSecond;
        } else {
            tokens = Math.min(perSecond, tokens + (nowNanos - lastNanos) * (perSecond / 1e9));
        }
        lastNanos = nowNanos;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
