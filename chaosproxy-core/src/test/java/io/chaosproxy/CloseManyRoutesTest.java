package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Closing releases each route's listener through its loop in turn; no turn may lose the loop's wakeup. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // a lost wakeup hangs in join(), which an interrupt does not end
class CloseManyRoutesTest {

    @Test
    void closingAProxyWithManyRoutesOnOneLoopNeverHangs() {
        for (int run = 0; run < 100; run++) {
            ChaosProxy.Builder builder = ChaosProxy.builder().eventLoops(1);
            for (int i = 0; i < 6; i++) {
                builder.route(0, "127.0.0.1:9" + i);
            }
            ChaosProxy proxy = builder.start();
            proxy.close();
            assertThat(proxy.toString()).isEqualTo("ChaosProxy{closed}");
        }
    }
}
