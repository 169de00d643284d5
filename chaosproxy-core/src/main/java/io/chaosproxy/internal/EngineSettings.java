package io.chaosproxy.internal;

import java.net.InetAddress;
import java.time.Duration;

/**
 * The proxy-wide settings the engine runs with; checked by the public builder before they get here.
 *
 * @param bindAddress     where listeners bind
 * @param seed            the seed every random decision derives from
 * @param connectTimeout  how long an upstream connect may take
 * @param acceptBacklog   the listen backlog of every route
 * @param eventLoops      how many loop threads
 * @param highWaterMark   held bytes per direction above which the proxy stops reading its source
 * @param chunkSize       bytes per read and per pooled buffer
 */
public record EngineSettings(InetAddress bindAddress, long seed, Duration connectTimeout, int acceptBacklog,
        int eventLoops, long highWaterMark, int chunkSize) {

    /** Held bytes per direction at or below which a paused source is read again. */
    public long lowWaterMark() {
        return highWaterMark / 2;
    }
}
