package io.chaosproxy.junit5.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailureJournalTest {

    @Test
    void eachInvocationHasItsOwnFileEvenInAParameterizedClass() {
        assertThat(FailureJournal.testName("fails", "[engine:junit-jupiter]/[class:a.B]/[method:fails()]"))
                .isEqualTo("fails");
        assertThat(FailureJournal.testName("retries",
                "[engine:junit-jupiter]/[class:a.B]/[test-template:retries()]/[test-template-invocation:#3]"))
                .isEqualTo("retries[3]");
        // JUnit 5.13's @ParameterizedClass: the class's invocation, then the method's
        String inClass = "[engine:junit-jupiter]/[class-template:a.B]/[class-template-invocation:#%d]"
                + "/[test-template:fails(int)]/[test-template-invocation:#%d]";
        assertThat(FailureJournal.testName("fails", inClass.formatted(1, 3))).isEqualTo("fails[1][3]");
        assertThat(FailureJournal.testName("fails", inClass.formatted(2, 3))).isEqualTo("fails[2][3]");
        assertThat(FailureJournal.testName("plain",
                "[engine:junit-jupiter]/[class-template:a.B]/[class-template-invocation:#2]/[method:plain()]"))
                .isEqualTo("plain[2]");
    }
}
