package io.chaosproxy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The loop reads time only from the clock it was given: its timers run by that clock, not the wall's. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EventLoopClockTest {
    private static final long HOUR_NANOS = Duration.ofHours(1).toNanos();

    @Test
    void aTimerRunsWhenTheLoopsClockReachesItsDeadlineAndNotBefore() throws Exception {
        AtomicLong clock = new AtomicLong(-5_000_000_000L);   // any value, as System.nanoTime's origin is any
        EventLoop loop = new EventLoop("chaos-proxy-loop-clock-test", BufferPool.SMALLEST, clock::get);
        try {
            assertThat(loop.call(loop::nanoTime)).isEqualTo(clock.get());
            AtomicBoolean fired = new AtomicBoolean();
            Timer inAnHour = new Timer(() -> fired.set(true));
            long deadline = loop.call(() -> {
                loop.schedule(inAnHour, loop.nanoTime() + HOUR_NANOS);
                return inAnHour.deadlineNanos;
            });

            clock.set(deadline - 1);
            // A timer due now runs in the same pass that finds the other not due yet: that pass read the clock.
            CountDownLatch passed = new CountDownLatch(1);
            Timer dueNow = new Timer(passed::countDown);
            loop.execute(() -> loop.schedule(dueNow, deadline - 1));
            assertThat(passed.await(10, TimeUnit.SECONDS)).as("a timer due on the loop's clock ran").isTrue();
            assertThat(fired).as("one nanosecond early on the loop's clock").isFalse();

            clock.set(deadline);
            loop.execute(() -> { });   // wakes the loop to read its clock again
            await().atMost(Duration.ofSeconds(10)).untilTrue(fired);
        } finally {
            loop.shutdown().get(5, TimeUnit.SECONDS);
        }
    }
}
