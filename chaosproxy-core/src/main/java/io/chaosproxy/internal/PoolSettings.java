package io.chaosproxy.internal;

import io.chaosproxy.Balancing;
import java.time.Duration;

/**
 * How one route spreads, checks and limits its connections; checked by the public builder before it gets here.
 *
 * @param balancing        how a target is picked
 * @param healthInterval   how often each target is probed; null: no health check
 * @param healthTimeout    how long a probe may take
 * @param breakerFailures  consecutive connect failures that open a target's breaker; 0: no breaker
 * @param breakerCooldown  how long an open breaker skips its target before one trial
 * @param maxConnections   open connections beyond which a new client is closed at once; 0: no limit
 * @param connectionRate   new connections per second beyond which a client is closed at once; 0: no limit
 * @param connectTimeout   this route's connect timeout; null: the proxy's
 * @param keepAlive        SO_KEEPALIVE on both sockets of each connection
 * @param preconnect       idle connections kept open to each target, for new clients to be paired with at once
 */
public record PoolSettings(Balancing balancing, Duration healthInterval, Duration healthTimeout,
        int breakerFailures, Duration breakerCooldown, int maxConnections, int connectionRate,
        Duration connectTimeout, boolean keepAlive, int preconnect) {

    /** A route with none of it: what every route was before pools. */
    public static final PoolSettings DEFAULT =
            new PoolSettings(Balancing.ROUND_ROBIN, null, null, 0, null, 0, 0, null, false, 0);

    public boolean healthChecked() {
        return healthInterval != null;
    }

    public boolean hasBreaker() {
        return breakerFailures > 0;
    }
}
