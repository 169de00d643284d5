package io.chaosproxy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class SoakTest {

    @Test
    void threeSecondsOfFaultsThatCutNothingVerifyEveryByteBothWays() throws Exception {
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        Soak.SoakResult result = Soak.run(
                SoakOptions.parse("--seconds", "3", "--connections", "8", "--max-mib", "1", "--no-cuts", "--seed", "7"),
                new PrintStream(report, true, StandardCharsets.UTF_8));

        String text = report.toString(StandardCharsets.UTF_8);
        assertThat(result.failures()).as(text).isZero();
        assertThat(result.cuts()).as("no fault that cuts was on: %s", text).isZero();
        assertThat(result.completeUp()).as(text).isPositive();
        assertThat(result.completeDown()).as(text).isPositive();
        assertThat(result.verifiedUp()).as(text).isPositive();
        assertThat(result.verifiedDown()).as(text).isPositive();
        assertThat(result.proxyThreadsAfterClose()).as(text).isZero();
        assertThat(text).contains("SHA-256 equal", "peak", "open fds", "result: PASS");
    }
}
