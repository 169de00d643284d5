package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.FakeConnection.Closure;
import io.chaosproxy.fault.FakeConnection.Report;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reset peer through the connection context: an RST to both sides when the timeout runs out. */
class ResetPeerStageTest {
    private static final Duration TIMEOUT = Duration.ofMillis(500);

    @Test
    void resetsTheConnectionWhenTheTimeoutRunsOut() {
        FakeConnection connection = new FakeConnection(1);
        connection.startConnectionFault(Fault.resetPeer(TIMEOUT));
        connection.advance(TIMEOUT.minusNanos(1));
        assertThat(connection.closure()).isNull();
        connection.advanceNanos(1);
        assertThat(connection.closure())
                .isEqualTo(new Closure(Closure.Kind.RESET, "reset_peer_downstream", TIMEOUT.toNanos()));
        assertThat(connection.reports()).extracting(Report::detail).containsExactly("reset after 500ms");
    }

    @Test
    void addedToALiveConnectionItCountsFromWhenItWasAdded() {
        FakeConnection connection = new FakeConnection(1);
        connection.contactUpstream();
        connection.advance(Duration.ofSeconds(10));
        connection.startConnectionFault(Fault.resetPeer(TIMEOUT));
        connection.advance(Duration.ofSeconds(1));
        assertThat(connection.closure().atNanos()).isEqualTo(Duration.ofSeconds(10).plus(TIMEOUT).toNanos());
    }

    @Test
    void removedInTimeItNeverResets() {
        FakeConnection connection = new FakeConnection(1);
        connection.startConnectionFault(Fault.resetPeer(TIMEOUT));
        connection.advance(TIMEOUT.minusNanos(1));
        connection.remove();
        connection.advance(Duration.ofDays(1));
        assertThat(connection.closure()).isNull();
    }
}
