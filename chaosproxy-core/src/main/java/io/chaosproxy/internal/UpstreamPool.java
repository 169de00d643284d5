package io.chaosproxy.internal;

import io.chaosproxy.Balancing;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A route's upstreams, in declaration order, and where each new connection starts trying them. A connection tries
 * from its first choice on, each target once (see {@link UpstreamConnector}): in declaration order and round the
 * end, or for least connections the least loaded left. Any thread.
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
            case LEAST_CONNECTIONS -> leastConnections((int) Math.floorMod(turn.getAndIncrement(), (long) n), null);
        };
    }

    /**
     * The index of the target a connection tries next, once it has considered its first choice {@code first} and
     * the others marked in {@code considered} (at least one is left): the next one in declaration order, round the
     * end; for least connections, the least loaded of those left, so that a dead target's turns spread too.
     */
    int nextChoice(int first, boolean[] considered) {
        if (balancing == Balancing.LEAST_CONNECTIONS) {
            return leastConnections(first, considered);
        }
        int n = targets.size();
        int next = first;
        while (considered[next]) {
            next = (next + 1) % n;
        }
        return next;
    }

    /**
     * The usable-looking target with the fewest open connections, ties broken in order from {@code start}; those
     * marked in {@code skip} (when given) left out.
     */
    private int leastConnections(int start, boolean[] skip) {
        int n = targets.size();
        int best = -1;
        int bestActive = Integer.MAX_VALUE;
        for (int k = 0; k < n; k++) {
            int i = (start + k) % n;
            if (skip != null && skip[i]) {
                continue;
            }
            if (best < 0) {
                best = i;   // every one left unusable: this one is considered (and skipped) first
            }
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
