package io.chaosproxy.examples.redis;

import static io.chaosproxy.examples.redis.RedisErrorThroughChaos.COMMANDS;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.chaosproxy.ChaosProxy;
import io.chaosproxy.Fault;
import io.chaosproxy.config.ConfigException;
import io.chaosproxy.config.ConfigFormat;
import io.chaosproxy.config.ConfigLoader;
import io.chaosproxy.examples.redis.RedisErrorThroughChaos.Result;
import io.chaosproxy.fault.Envelope;
import io.chaosproxy.spi.FaultTypes;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisErrorThroughChaosTest {
    /** What FakeRedis answers to COMMANDS and QUIT: the third is a bulk string whose value is "+OK". */
    private static final List<String> REPLIES = List.of("+OK\r\n", "+OK\r\n", "$3\r\n+OK\r\n", "+PONG\r\n",
            "$5\r\nhello\r\n", "+OK\r\n");

    /** A value of 50,000 bytes, full of RESP's own characters, so that its bulk string spans many reads. */
    private static final String BIG = randomText(50_000);
    private static final List<String> BIG_COMMANDS = concat(COMMANDS, List.of("SET big " + BIG, "GET big"));
    private static final List<String> BIG_REPLIES = List.of("+OK\r\n", "+OK\r\n", "$3\r\n+OK\r\n", "+PONG\r\n",
            "$5\r\nhello\r\n", "+OK\r\n", "$50000\r\n" + BIG + "\r\n", "+OK\r\n");

    @Test
    void theFirstOkReplyOnEachConnectionBecomesAnErrorAndNoOtherByteChanges() throws Exception {
        Result result = RedisErrorThroughChaos.run(upstream -> ChaosProxy.builder().seed(42)
                .route(0, upstream).name("redis").fault(RedisErrorReply.firstReply())
                .start(), COMMANDS, 2);

        assertThat(result.straight()).isEqualTo(bytes(REPLIES));
        assertThat(result.throughProxy()).hasSize(2).allSatisfy(replies -> {
            assertThat(new String(replies, UTF_8)).startsWith("-NO\r\n+OK\r\n");
            assertThat(replies).isEqualTo(bytes(withErrors(REPLIES, 1)));
        });
        assertThat(result.routeMetrics().faultsInjected()).containsEntry("redis_error", 2L);
        assertThat(result.routeMetrics().bytesCorrupted()).isEqualTo(2 * 3);   // '+', 'O', 'K' of each reply
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("chaos-proxy-"));
    }

    /** Behind a slicer, a reply reaches the fault cut into pieces: one byte each, or a few. */
    @ParameterizedTest(name = "slices of {0} ± {1} bytes")
    @CsvSource({"1, 0", "3, 2", "7, 6"})
    void aReplyCutAcrossChunksIsReplacedAndAnOkInsideABulkStringIsNot(int averageSize, int variation)
            throws Exception {
        Result result = RedisErrorThroughChaos.run(upstream -> ChaosProxy.builder().seed(42)
                .route(0, upstream).name("redis")
                .slicer(averageSize, variation, Duration.ZERO)
                .fault(RedisErrorReply.firstReplies(3))
                .start(), BIG_COMMANDS, 1);

        assertThat(result.straight()).isEqualTo(bytes(BIG_REPLIES));
        // The third +OK reply is SET big's: GET note's "$3\r\n+OK\r\n" is data, not a reply.
        assertThat(result.throughProxy().get(0)).isEqualTo(bytes(withErrors(BIG_REPLIES, 3)));
        assertThat(result.routeMetrics().faultsInjected()).containsEntry("redis_error", 3L);
    }

    @Test
    void aConfigFileNamesTheFaultByItsTypeAndAttribute() throws Exception {
        AtomicReference<List<Fault>> faults = new AtomicReference<>();
        Result result = RedisErrorThroughChaos.run(upstream -> {
            ChaosProxy proxy = ConfigLoader.load("""
                    seed: 42
                    routes:
                      - name: redis
                        localPort: 0
                        upstream: %s
                        faults:
                          - type: slicer
                            attributes: { average_size: 1 }
                          - type: redis_error
                            attributes: { replies: 2 }
                    """.formatted(upstream), ConfigFormat.YAML).start();
            faults.set(proxy.route("redis").faults());
            return proxy;
        }, BIG_COMMANDS, 1);

        assertThat(faults.get()).element(1).isEqualTo(RedisErrorReply.firstReplies(2));
        assertThat(result.throughProxy().get(0)).isEqualTo(bytes(withErrors(BIG_REPLIES, 2)));
    }

    @Test
    void aConfigFileWithNoRepliesIsRefusedNamingTheAttribute() {
        String text = """
                routes:
                  - localPort: 0
                    upstream: 127.0.0.1:6379
                    faults:
                      - type: redis_error
                        attributes: { replies: 0 }
                """;
        assertThatThrownBy(() -> ConfigLoader.load(text, ConfigFormat.YAML))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].faults[0].attributes.replies")
                .hasMessageContaining("0 is outside 1..");
    }

    @Test
    void theRegistryKnowsTheTypeThroughServiceLoader() {
        assertThat(FaultTypes.all()).contains(RedisErrorReply.TYPE);
        assertThat(FaultTypes.named("redis_error")).containsSame(RedisErrorReply.TYPE);
        assertThat(FaultTypes.of(RedisErrorReply.firstReply())).isSameAs(RedisErrorReply.TYPE);
        assertThat(RedisErrorReply.TYPE.make(Map.of())).isEqualTo(RedisErrorReply.firstReply());
        assertThat(RedisErrorReply.TYPE.make(Map.of("replies", 4L)))
                .isEqualTo(new RedisErrorReply(4, Envelope.DEFAULT));
        assertThat(RedisErrorReply.TYPE.describe(RedisErrorReply.firstReplies(4))).isEqualTo(Map.of("replies", 4L));
        assertThat(RedisErrorReply.firstReplies(4).attributes()).isEqualTo(Map.of("replies", 4L));
        assertThat(RedisErrorReply.firstReply().name()).isEqualTo("redis_error_downstream");
    }

    /** The replies with the first {@code errors} {@code +OK} replies as the fault makes them. */
    private static List<String> withErrors(List<String> replies, int errors) {
        List<String> changed = new ArrayList<>();
        int left = errors;
        for (String reply : replies) {
            boolean replace = left > 0 && reply.equals(RedisErrorReply.OK_REPLY);
            changed.add(replace ? RedisErrorReply.ERROR_REPLY : reply);
            left -= replace ? 1 : 0;
        }
        assertThat(left).as("replies to replace").isZero();
        return changed;
    }

    private static byte[] bytes(List<String> replies) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        replies.forEach(reply -> out.writeBytes(reply.getBytes(UTF_8)));
        return out.toByteArray();
    }

    private static String randomText(int length) {
        String alphabet = "+OK-ERR$*:_#%|> abcdefghijklmnopqrstuvwxyz0123456789";
        SplittableRandom random = new SplittableRandom(42);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
