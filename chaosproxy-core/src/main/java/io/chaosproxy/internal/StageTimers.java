package io.chaosproxy.internal;

import io.chaosproxy.spi.StageTimer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The timers one fault's stage armed on one connection, data or connection stage alike: each action runs only
 * while {@code live} says the stage still acts, guarded by its entry, and all stop at once when the stage goes.
 * Loop thread only.
 */
final class StageTimers {
    private final EventLoop loop;
    private final FaultEntry entry;
    private final BooleanSupplier live;
    private final List<LoopStageTimer> timers = new ArrayList<>(2);

    StageTimers(EventLoop loop, FaultEntry entry, BooleanSupplier live) {
        this.loop = loop;
        this.entry = entry;
        this.live = live;
    }

    StageTimer add(Runnable action) {
        LoopStageTimer timer = new LoopStageTimer(loop, () -> {
            if (live.getAsBoolean()) {
                entry.runGuarded(action);
            }
        });
        timers.add(timer);
        return timer;
    }

    void cancelAll() {
        timers.forEach(LoopStageTimer::cancel);
    }
}
