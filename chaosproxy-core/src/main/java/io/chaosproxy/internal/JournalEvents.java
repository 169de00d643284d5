package io.chaosproxy.internal;

import io.chaosproxy.ChaosConnection;
import io.chaosproxy.ChaosEvent;
import io.chaosproxy.JournalEntry.Kind;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.Locale;

/** Words every {@link ChaosEvent} into a journal entry, and the numbers in them into text a person reads. */
final class JournalEvents {
    private JournalEvents() {
    }

    /** Adds {@code event} to {@code journal}; an event of a kind it does not know is kept as its text. */
    static void add(JournalLog journal, ChaosEvent event) {
        if (event instanceof ChaosEvent.ConnectionOpened opened) {
            ChaosConnection c = opened.connection();
            journal.add(c.route(), c.id(), Kind.OPENED, null, "from " + address(c.clientAddress())
                    + (c instanceof ProxiedConnection p && p.hasOneUpstream() ? " to " + c.upstream() : ""));
        } else if (event instanceof ChaosEvent.ConnectionClosed closed) {
            ChaosConnection c = closed.connection();
            StringBuilder detail = new StringBuilder(64).append("after ").append(duration(closed.duration().toNanos()))
                    .append(", ").append(bytes(closed.bytesUpstream())).append(" up, ")
                    .append(bytes(closed.bytesDownstream())).append(" down");
            if (c instanceof ProxiedConnection p) {
                if (!p.hasOneUpstream()) {
                    detail.append(", via ").append(c.upstream());
                }
                long notJournaled = p.injectionsNotJournaled();
                if (notJournaled > 0) {
                    detail.append(", ").append(notJournaled).append(" more injections not journaled");
                }
            }
            detail.append(" (").append(closed.reason()).append(')');
            journal.add(c.route(), c.id(), Kind.CLOSED, null, detail.toString());
        } else if (event instanceof ChaosEvent.FaultInjected injected) {
            ChaosConnection c = injected.connection();
            journal.add(c.route(), c.id(), Kind.INJECTED, injected.fault().name(), injected.detail());
        } else if (event instanceof ChaosEvent.UpstreamError error) {
            ChaosConnection c = error.connection();
            journal.add(c.route(), c.id(), Kind.UPSTREAM_ERROR, c.upstream(), error.kind() + ": " + error.message());
        } else if (event instanceof ChaosEvent.NoUpstream none) {
            ChaosConnection c = none.connection();
            journal.add(c.route(), c.id(), Kind.NO_UPSTREAM, null,
                    none.tried().isEmpty() ? "(none usable)" : "(tried " + String.join(", ", none.tried()) + ")");
        } else if (event instanceof ChaosEvent.UpstreamHealthChanged health) {
            journal.add(health.route(), 0, Kind.UPSTREAM_HEALTH, health.upstream(),
                    (health.healthy() ? "healthy: " : "unhealthy: ") + health.reason());
        } else if (event instanceof ChaosEvent.CircuitBreakerChanged breaker) {
            journal.add(breaker.route(), 0, Kind.BREAKER, breaker.upstream(), "breaker " + breaker.state());
        } else if (event instanceof ChaosEvent.ScenarioStepDone step) {
            journal.add(step.route(), 0, Kind.SCENARIO_STEP, String.valueOf(step.run()), scenarioStep(step));
        } else if (event instanceof ChaosEvent.ScenarioEnded ended) {
            journal.add(ended.route(), 0, Kind.SCENARIO_ENDED, String.valueOf(ended.run()), ended.outcome() + ", "
                    + ended.stepsDone() + (ended.stepsDone() == 1 ? " step" : " steps")
                    + (ended.stepsFailed() > 0 ? " (" + ended.stepsFailed() + " failed)" : ""));
        } else {
            ChaosConnection c = event.connection();
            journal.add(event.route(), c == null ? 0 : c.id(), Kind.EVENT, null, event.toString());
        }
    }

    /** {@code step 2 disable (1.2 ms late)}, {@code cycle 3 step 1 remove cut (0.1 ms late) failed: ...}. */
    private static String scenarioStep(ChaosEvent.ScenarioStepDone step) {
        StringBuilder text = new StringBuilder(64);
        if (step.cycle() > 0) {
            text.append("cycle ").append(step.cycle() + 1).append(' ');
        }
        text.append("step ").append(step.index() + 1).append(' ').append(step.step())
                .append(" (").append(duration(step.late().toNanos())).append(" late)");
        if (step.failed()) {
            text.append(" failed: ").append(step.error());
        }
        return text.toString();
    }

    /** {@code 127.0.0.1:51234}, {@code [::1]:51234}; no leading slash, no reverse lookup. */
    static String address(InetSocketAddress address) {
        if (address == null) {
            return "?";
        }
        if (address.isUnresolved() || address.getAddress() == null) {
            return address.getHostString() + ":" + address.getPort();
        }
        String host = address.getAddress().getHostAddress();
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** {@code 512 B}, {@code 1.2 KiB}, {@code 3.4 MiB}, {@code 1.1 GiB}: exact below 1 KiB. */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes / 1024.0;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** {@code 0.4 ms} below 10 ms, whole milliseconds above. */
    static String duration(long nanos) {
        if (nanos < 10_000_000) {
            long tenths = nanos / 100_000;
            return tenths / 10 + "." + tenths % 10 + " ms";
        }
        return nanos / 1_000_000 + " ms";
    }
}
