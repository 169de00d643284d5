package io.chaosproxy.examples;

import io.chaosproxy.ChaosProxy;
import java.time.Duration;

/**
 * The README's Quick start, line for line (its imports, then the body of {@link #main}): a proxy with a slow route
 * and a flaky one, started on ephemeral ports and closed. {@code QuickStartTest} runs it and fails when the README's
 * snippet and this class differ.
 */
public final class QuickStart {
    private QuickStart() {
    }

    /** Starts the Quick start's proxy and closes it. */
    public static void main(String[] args) {
        try (ChaosProxy proxy = ChaosProxy.builder()
                .seed(42)                                               // same seed, same drop decisions
                .route(0, "127.0.0.1:5432").name("db")                  // port 0 = an ephemeral port
                    .latency(Duration.ofMillis(100))                    // every response 100 ms later
                .route(0, "localhost:6379").name("redis")
                    .dropRate(0.1)                                      // 10% of new connections closed at once
                .start()) {
            int dbPort = proxy.route("db").localPort();                 // the port actually bound
            // point the code under test at 127.0.0.1:dbPort ...
        }
    }
}
