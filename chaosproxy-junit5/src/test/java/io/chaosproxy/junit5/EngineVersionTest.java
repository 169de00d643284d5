package io.chaosproxy.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.testkit.engine.EngineTestKit;

@Timeout(30)
class EngineVersionTest {

    /** Names the Jupiter engine this run uses, so the two surefire executions can be told apart in the reports. */
    @Test
    void runsOnASupportedJupiterEngine(TestReporter reporter) {
        String version = TestEngine.class.getPackage().getImplementationVersion();
        reporter.publishEntry("junit-platform", String.valueOf(version));
        System.out.println("chaosproxy-junit5 tests run on JUnit Platform " + version);
        assertThat(EngineTestKit.engine("junit-jupiter")).isNotNull();
        assertThat(version).matches("(1\\.1[0-9]|6)\\..*");
        String expected = System.getProperty("chaosproxy.expectedPlatform");
        if (expected != null) {   // set by each surefire execution; absent when run from an IDE
            assertThat(version).as("the engine this execution was set up to swap in").startsWith(expected);
        }
    }
}
