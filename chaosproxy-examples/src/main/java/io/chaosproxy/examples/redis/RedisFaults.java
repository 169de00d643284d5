package io.chaosproxy.examples.redis;

import io.chaosproxy.spi.FaultType;
import io.chaosproxy.spi.FaultTypeProvider;
import java.util.List;

/**
 * Registers {@link RedisErrorReply} as {@code redis_error}: listed in
 * {@code META-INF/services/io.chaosproxy.spi.FaultTypeProvider}, so that config files and the admin API know it.
 */
public final class RedisFaults implements FaultTypeProvider {

    /** For {@link java.util.ServiceLoader}. */
    public RedisFaults() {
    }

    @Override
    public List<FaultType<?>> faultTypes() {
        return List.of(RedisErrorReply.TYPE);
    }
}
