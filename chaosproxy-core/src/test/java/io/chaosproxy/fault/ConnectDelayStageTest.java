package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.FakeConnection.Report;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Connect delay through the connection context: a new connection is held before its upstream is contacted. */
class ConnectDelayStageTest {

    @Test
    void holdsTheConnectOfANewConnection() {
        FakeConnection connection = new FakeConnection(1);
        connection.startConnectionFault(Fault.connectDelay(Duration.ofMillis(750)));
        assertThat(connection.connectHoldNanos()).isEqualTo(Duration.ofMillis(750).toNanos());
        assertThat(connection.reports()).extracting(Report::detail).containsExactly("connect delayed 750ms");
        assertThat(connection.closure()).isNull();
    }

    @Test
    void addedToALiveConnectionItDoesNothingAndReportsNothing() {
        FakeConnection connection = new FakeConnection(1);
        connection.contactUpstream();
        connection.startConnectionFault(Fault.connectDelay(Duration.ofMillis(750)));
        assertThat(connection.connectHoldNanos()).isZero();
        assertThat(connection.reports()).isEmpty();
    }
}
