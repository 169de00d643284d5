package io.chaosproxy.examples.redis;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.Envelope;
import io.chaosproxy.fault.FaultText;
import io.chaosproxy.spi.Attribute;
import io.chaosproxy.spi.FaultType;
import java.util.Map;
import java.util.Objects;

/**
 * A fault of our own, protocol-aware: on each connection, the first {@code replies} top-level {@code +OK}
 * replies of a Redis server become the error {@code -NO}, so the client sees a command fail that succeeded.
 * Replies arrive downstream, the default direction. A {@code +OK} inside a bulk string or an array is data and
 * stays; every other byte passes on unchanged and in order. Config files and the admin API know it as
 * {@code redis_error}, registered by {@link RedisFaults}.
 *
 * <p>The error is {@code -NO\r\n}, exactly as long as {@code +OK\r\n}: a stage can change a chunk's bytes in
 * place but cannot make it longer, so Redis's usual {@code -ERR ...} does not fit.
 *
 * @param replies how many {@code +OK} replies per connection become errors, 1 or more
 */
public record RedisErrorReply(long replies, Envelope envelope) implements Fault {
    /** The reply the fault replaces. */
    public static final String OK_REPLY = "+OK\r\n";
    /** What it becomes: an error reply of the same length. */
    public static final String ERROR_REPLY = "-NO\r\n";

    /** The type: its name, attributes and stage, for config files, the admin API and the registry. */
    static final FaultType<RedisErrorReply> TYPE = FaultType
            .dataFault("redis_error", RedisErrorReply.class, RedisErrorReplyStage::new)
            .describedAs("The first +OK replies of a Redis server become -NO errors")
            .attribute(Attribute.integer("replies", 1, Long.MAX_VALUE, RedisErrorReply::replies)
                    .defaultValue(1L).describedAs("+OK replies per connection that become errors"))
            .make(v -> RedisErrorReply.firstReplies(v.integer("replies")))
            .build();

    /** Checks the values. */
    public RedisErrorReply {
        if (replies < 1) {
            throw new IllegalArgumentException("redis_error replies " + replies + " is outside 1.." + Long.MAX_VALUE);
        }
        Objects.requireNonNull(envelope, "envelope");
    }

    /** The first {@code +OK} reply on each connection becomes {@code -NO}. */
    public static RedisErrorReply firstReply() {
        return firstReplies(1);
    }

    /** The first {@code replies} {@code +OK} replies on each connection become {@code -NO}. */
    public static RedisErrorReply firstReplies(long replies) {
        return new RedisErrorReply(replies, Envelope.DEFAULT);
    }

    @Override
    public String type() {
        return TYPE.name();
    }

    @Override
    public RedisErrorReply withEnvelope(Envelope envelope) {
        return new RedisErrorReply(replies, envelope);
    }

    /** The attributes as the admin API shows them. */
    @Override
    public Map<String, Object> attributes() {
        return TYPE.toxiproxyAttributes(this);
    }

    /** Reads as the built-in faults do: {@code redis_error_downstream{replies=1, direction=..., toxicity=1.0}}. */
    @Override
    public String toString() {
        return FaultText.of(this);
    }
}
