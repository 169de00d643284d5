package io.chaosproxy.internal;

import io.chaosproxy.Balancing;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A route's upstreams, in declaration order, and where each new connection starts trying them. A connection tries
 * from its first choice on, in declaration order and round the end, each target once (see
 * {@link UpstreamConnector}). Any thread.
 */
final class UpstreamPool {
    private final List<UpstreamTarget> targets;
    private final Balancing balancing;
    private final AtomicLong turn = new AtomicLong();   // round robin's, and least connections' tie-breaker

    UpstreamPool(List<UpstreamTarget> targets, Balancing balancing) {
        this.targets = List.copyOf(targets);
        this.balancing = balancing;
    }

    int size() {
        return targets.size();
    }

    UpstreamTarget get(int index) {
        return targets.get(index);
    }

    List<UpstreamTarget> targets() {
        return targets;
    }

    /** The index of the target a connection tries first; {@code connectionSeed} is the connection's own seed. */
    int firstChoice(long connectionSeed) {
        int n = targets.size();
        if (n == 1) {
            return 0;
        }
        return switch (balancing) {
            case ROUND_ROBIN -> (int) Math.floorMod(turn.getAndIncrement(), (long) n);
            // From the connection's seed, which follows accept order: the same proxy seed gives the same picks.
            case RANDOM -> (int) Math.floorMod(mix(connectionSeed), (long) n);
            case LEAST_CONNECTIONS -> leastConnections(n);
        };
    }

    /** The usable-looking target with the fewest open connections, ties broken round robin. */
    private int leastConnections(int n) {
        int start = (int) Math.floorMod(turn.getAndIncrement(), (long) n);
        int best = start;
        int bestActive = Integer.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            UpstreamTarget target = targets.get(i);
            if (!target.healthy() || target.breakerOpen()) {
                continue;
            }
            int active = target.activeConnections();
            if (active < bestActive) {
                best = i;
                bestActive = active;
            }
        }
        return best;
    }

    /** A 64-bit finaliser (SplitMix64's): seeds that differ a little give picks that differ a lot. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
