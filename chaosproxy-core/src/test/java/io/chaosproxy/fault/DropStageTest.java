package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.FakeConnection.Closure;
import io.chaosproxy.fault.FakeConnection.Report;
import io.chaosproxy.spi.Refusal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Drop through the connection context: a new connection is refused, in the mode asked, with its probability. */
class DropStageTest {

    @ParameterizedTest(name = "{0}")
    @EnumSource(DropMode.class)
    void probabilityOneRefusesEveryNewConnectionInItsMode(DropMode mode) {
        FakeConnection connection = new FakeConnection(1);
        connection.startConnectionFault(Fault.drop(1.0).mode(mode));
        assertThat(connection.refusal()).isEqualTo(Refusal.valueOf(mode.name()));
        assertThat(connection.reports()).extracting(Report::detail).containsExactly("mode=" + mode.wireName());
        assertThat(connection.isNew()).as("a refused connection is no longer new").isFalse();
        Closure closure = connection.closure();
        switch (mode) {
            case CLOSE -> assertThat(closure.kind()).isEqualTo(Closure.Kind.CLOSE);
            case RESET -> assertThat(closure.kind()).isEqualTo(Closure.Kind.RESET);
            case HANG -> assertThat(closure).as("left hanging, not closed").isNull();
        }
    }

    @Test
    void aLiveConnectionIsNeverRefused() {
        FakeConnection connection = new FakeConnection(1);
        connection.contactUpstream();
        connection.startConnectionFault(Fault.drop(1.0));
        assertThat(connection.refusal()).isNull();
        assertThat(connection.closure()).isNull();
        assertThat(connection.reports()).isEmpty();
    }

    @Test
    void aboutTheProbabilityOfNewConnectionsAreRefused() {
        int refused = 0;
        for (long seed = 0; seed < 10_000; seed++) {
            FakeConnection connection = new FakeConnection(seed);
            connection.startConnectionFault(Fault.drop(0.3));
            refused += connection.refusal() != null ? 1 : 0;
        }
        assertThat(refused).as("connections refused of 10,000 at 0.3").isBetween(2_800, 3_200);
    }
}
