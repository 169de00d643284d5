package io.chaosproxy.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.fault.FakeConnection.Closure;
import io.chaosproxy.fault.FakeConnection.Report;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Max lifetime through the connection context: the connection ends when it has lived long enough, from accept. */
class MaxLifetimeStageTest {
    private static final Duration LIFETIME = Duration.ofSeconds(30);

    @Test
    void closesTheConnectionWhenItHasLivedItsLifetime() {
        FakeConnection connection = new FakeConnection(1);
        connection.startConnectionFault(Fault.maxLifetime(LIFETIME));
        connection.advance(LIFETIME.minusNanos(1));
        assertThat(connection.closure()).isNull();

        connection.advanceNanos(1);
        assertThat(connection.closure())
                .isEqualTo(new Closure(Closure.Kind.CLOSE, "max_lifetime_downstream", LIFETIME.toNanos()));
        assertThat(connection.reports()).extracting(Report::detail).containsExactly("closed after 30000ms");
    }

    @Test
    void resetModeResetsInstead() {
        FakeConnection connection = new FakeConnection(1);
        connection.startConnectionFault(Fault.maxLifetime(LIFETIME).reset(true));
        connection.advance(LIFETIME);
        assertThat(connection.closure().kind()).isEqualTo(Closure.Kind.RESET);
        assertThat(connection.reports()).extracting(Report::detail).containsExactly("reset after 30000ms");
    }

    @Test
    void addedToALiveConnectionItCountsFromAcceptNotFromWhenItWasAdded() {
        FakeConnection connection = new FakeConnection(1);
        connection.contactUpstream();
        connection.advance(Duration.ofSeconds(10));
        connection.startConnectionFault(Fault.maxLifetime(LIFETIME));
        connection.advance(Duration.ofSeconds(20));
        assertThat(connection.closure().atNanos()).isEqualTo(LIFETIME.toNanos());
    }

    @Test
    void addedToAConnectionOlderThanItsLifetimeEndsItOnTheLoopsNextTurn() {
        FakeConnection connection = new FakeConnection(1);
        connection.contactUpstream();
        connection.advance(Duration.ofMinutes(1));
        connection.startConnectionFault(Fault.maxLifetime(LIFETIME));
        assertThat(connection.closure()).isNull();
        connection.runDue();
        assertThat(connection.closure().atNanos()).isEqualTo(Duration.ofMinutes(1).toNanos());
    }

    @Test
    void removedInTimeItNeverEndsTheConnection() {
        FakeConnection connection = new FakeConnection(1);
        connection.startConnectionFault(Fault.maxLifetime(LIFETIME));
        connection.advance(Duration.ofSeconds(29));
        connection.remove();
        connection.advance(Duration.ofDays(1));
        assertThat(connection.closure()).isNull();
        assertThat(connection.reports()).isEmpty();
    }
}
