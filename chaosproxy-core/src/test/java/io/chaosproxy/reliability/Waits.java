package io.chaosproxy.reliability;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;

/** Awaitility waits whose failure says what was awaited and how things stood when the wait gave up. */
final class Waits {
    private Waits() {
    }

    /** Waits up to {@code atMost} (polling every {@code pollInterval}) for {@code condition}. */
    static void until(String what, Duration atMost, Duration pollInterval, Callable<Boolean> condition,
            Supplier<String> state) {
        try {
            await().atMost(atMost).pollInterval(pollInterval).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": not within " + atMost.toSeconds() + " s; " + state.get(), e);
        }
    }
}
