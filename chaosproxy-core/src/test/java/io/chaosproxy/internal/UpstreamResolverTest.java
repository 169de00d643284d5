package io.chaosproxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The resolver's queue is bounded, and a lookup whose connection is gone is skipped, not performed. */
class UpstreamResolverTest {
    private static final HostPort LOCALHOST = HostPort.parse("localhost:5432");

    @Test
    void aLookupForAClosedConnectionIsSkipped() throws Exception {
        UpstreamResolver resolver = new UpstreamResolver("test");
        EventLoop loop = new EventLoop("chaos-proxy-loop-test-0", BufferPool.SMALLEST);
        try {
            AtomicInteger answers = new AtomicInteger();
            CountDownLatch asked = new CountDownLatch(1);
            resolver.resolve(LOCALHOST, loop, () -> {
                asked.countDown();
                return true;   // the connection closed meanwhile
            }, address -> answers.incrementAndGet(), failure -> answers.incrementAndGet());
            assertThat(asked.await(5, TimeUnit.SECONDS)).isTrue();
            List<InetSocketAddress> resolved = new CopyOnWriteArrayList<>();
            resolver.resolve(LOCALHOST, loop, () -> false, resolved::add, failure -> { });
            await().atMost(Duration.ofSeconds(10)).until(() -> resolved.size() == 1);
            assertThat(answers).as("the cancelled lookup never answered").hasValue(0);
        } finally {
            resolver.close();
            loop.shutdown().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void beyondTheBoundALookupFailsAtOnceAsUnresolved() throws Exception {
        UpstreamResolver resolver = new UpstreamResolver("test");
        EventLoop loop = new EventLoop("chaos-proxy-loop-test-1", BufferPool.SMALLEST);
        CountDownLatch release = new CountDownLatch(1);
        try {
            // Both lookup threads are kept busy, so every later lookup waits in the queue.
            for (int i = 0; i < 2; i++) {
                resolver.resolve(LOCALHOST, loop, () -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return true;
                }, address -> { }, failure -> { });
            }
            List<String> failures = new CopyOnWriteArrayList<>();
            for (int i = 0; i < UpstreamResolver.MAX_PENDING + 2; i++) {
                resolver.resolve(LOCALHOST, loop, () -> true, address -> { }, failure -> failures.add(failure.getMessage()));
            }
            assertThat(failures).hasSize(2).allSatisfy(message -> assertThat(message).contains("lookups are waiting"));
        } finally {
            release.countDown();
            resolver.close();
            loop.shutdown().get(5, TimeUnit.SECONDS);
        }
    }
}
