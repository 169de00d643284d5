package io.chaosproxy;

import io.chaosproxy.fault.LatencyDistribution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A named bundle of faults for a common kind of link, with the figures of a public source: half the round-trip
 * time as latency each way, and a bandwidth each way ({@code downstream} is the download, upstream to client).
 * Apply one with {@link RouteBuilder#profile}, {@link Route#applyProfile}, {@code profile: slow-3g} on a route of
 * a config file, or {@code POST /proxies/{name}/profile} in the admin API.
 *
 * <p>Its faults are named {@code <id>:<type>_<direction>} ({@code slow-3g:latency_downstream}), so that they
 * can be told apart from a route's own and replaced or removed together ({@link Route#removeProfile}).
 *
 * <table>
 *   <caption>The profiles and their sources</caption>
 *   <tr><th>profile</th><th>RTT</th><th>down</th><th>up</th><th>other</th><th>source</th></tr>
 *   <tr><td>{@code slow-3g}</td><td>400 ms</td><td>400 kbit/s</td><td>400 kbit/s</td><td></td>
 *       <td>Chrome DevTools' "Slow 3G" (devtools-frontend {@code NetworkManager.ts}: {@code targetLatency} 400,
 *       {@code 500 * 1000 / 8 * .8} bytes/s both ways)</td></tr>
 *   <tr><td>{@code fast-3g}</td><td>150 ms</td><td>1.44 Mbit/s</td><td>675 kbit/s</td><td></td>
 *       <td>Chrome DevTools' former "Fast 3G", "Slow 4G" since May 2024 (the same file: {@code targetLatency}
 *       150, {@code 1.6 * 1000 * 1000 / 8 * .9} down, {@code 750 * 1000 / 8 * .9} up)</td></tr>
 *   <tr><td>{@code dsl}</td><td>50 ms</td><td>1.5 Mbit/s</td><td>384 kbit/s</td><td></td>
 *       <td>WebPageTest's "DSL" ({@code www/settings/connectivity.ini.sample})</td></tr>
 *   <tr><td>{@code satellite}</td><td>600 ms</td><td>-</td><td>-</td><td>loss 0.2%</td>
 *       <td>a geostationary link's typical RTT of about 600 ms (FAU Erlangen, Computer Networks and Communication
 *       Systems, cs7.tf.fau.de); loss from the Satellite row of Comcast's network condition profiles
 *       (github.com/tylertreat/comcast), which gives no bandwidth</td></tr>
 *   <tr><td>{@code flaky-wifi}</td><td>40 ms</td><td>30 Mbit/s</td><td>30 Mbit/s</td>
 *       <td>loss 0.2%; jitter 20 ms each way, Pareto-normal, correlation 0.25</td>
 *       <td>Comcast's "WIFI (good)" row (latency 40 ms, 30000 kbit/s, loss 0.2%); the jitter is ours, what
 *       makes it flaky: netem's Pareto-normal and its example correlation of 25%</td></tr>
 * </table>
 *
 * <p>Loss is the TCP-true {@link Fault#loss} (a chunk and what follows wait a retransmission), per chunk
 * rather than per packet.
 */
public enum NetworkProfile {
    /** Chrome DevTools' "Slow 3G": 400 ms RTT, 400 kbit/s down and up. */
    SLOW_3G("slow-3g", Duration.ofMillis(400), 50_000, 50_000, Duration.ZERO, 0.0),
    /** Chrome DevTools' former "Fast 3G" (now "Slow 4G"): 150 ms RTT, 1.44 Mbit/s down, 675 kbit/s up. */
    FAST_3G("fast-3g", Duration.ofMillis(150), 180_000, 84_375, Duration.ZERO, 0.0),
    /** WebPageTest's "DSL": 50 ms RTT, 1.5 Mbit/s down, 384 kbit/s up. */
    DSL("dsl", Duration.ofMillis(50), 187_500, 48_000, Duration.ZERO, 0.0),
    /** A geostationary satellite: 600 ms RTT, 0.2% loss, no bandwidth limit. */
    SATELLITE("satellite", Duration.ofMillis(600), 0, 0, Duration.ZERO, 0.002),
    /** Comcast's "WIFI (good)" made flaky: 40 ms RTT, 30 Mbit/s, 0.2% loss, correlated Pareto-normal jitter. */
    FLAKY_WIFI("flaky-wifi", Duration.ofMillis(40), 3_750_000, 3_750_000, Duration.ofMillis(20), 0.002);

    private final String id;
    private final Duration roundTrip;
    private final long downBytesPerSecond;
    private final long upBytesPerSecond;
    private final Duration jitter;
    private final double loss;

    NetworkProfile(String id, Duration roundTrip, long downBytesPerSecond, long upBytesPerSecond, Duration jitter,
            double loss) {
        this.id = id;
        this.roundTrip = roundTrip;
        this.downBytesPerSecond = downBytesPerSecond;
        this.upBytesPerSecond = upBytesPerSecond;
        this.jitter = jitter;
        this.loss = loss;
    }

    /** The name in config files and the admin API: {@code slow-3g}, {@code flaky-wifi}... */
    public String id() {
        return id;
    }

    /** The round-trip time; half of it is added each way. */
    public Duration roundTrip() {
        return roundTrip;
    }

    /** The download limit (upstream to client), bytes per second; 0 for none. */
    public long downBytesPerSecond() {
        return downBytesPerSecond;
    }

    /** The upload limit (client to upstream), bytes per second; 0 for none. */
    public long upBytesPerSecond() {
        return upBytesPerSecond;
    }

    /**
     * The profile's faults, downstream then upstream: latency (half the RTT), bandwidth where the profile limits
     * it, loss where it has some; each named {@code <id>:<type>_<direction>}.
     */
    public List<Fault> faults() {
        List<Fault> faults = new ArrayList<>();
        for (Direction direction : List.of(Direction.DOWNSTREAM, Direction.UPSTREAM)) {
            var latency = Fault.latency(roundTrip.dividedBy(2));
            if (!jitter.isZero()) {
                latency = latency.jitter(jitter).distribution(LatencyDistribution.PARETO_NORMAL).correlation(0.25);
            }
            faults.add(named(latency, direction));
            long rate = direction == Direction.DOWNSTREAM ? downBytesPerSecond : upBytesPerSecond;
            if (rate > 0) {
                faults.add(named(Fault.bandwidth(rate), direction));
            }
            if (loss > 0) {
                faults.add(named(Fault.loss(loss), direction));
            }
        }
        return List.copyOf(faults);
    }

    /** Whether {@code fault} was made by a profile: its name starts with a profile's {@code <id>:}. */
    public static boolean isProfileFault(Fault fault) {
        return Arrays.stream(values()).anyMatch(p -> fault.name().startsWith(p.id + ":"));
    }

    /** The profile of that id ({@code slow-3g}, any case; {@code SLOW_3G} too). */
    public static Optional<NetworkProfile> named(String id) {
        String wanted = Objects.requireNonNull(id, "id").toLowerCase(Locale.ROOT).replace('_', '-');
        return Arrays.stream(values()).filter(p -> p.id.equals(wanted)).findFirst();
    }

    /** The ids, for messages: {@code slow-3g, fast-3g, dsl, satellite, flaky-wifi}. */
    public static String ids() {
        return String.join(", ", Arrays.stream(values()).map(NetworkProfile::id).toList());
    }

    private Fault named(Fault fault, Direction direction) {
        return fault.direction(direction).named(id + ":" + fault.type() + "_" + direction.wireName());
    }

    @Override
    public String toString() {
        return id;
    }
}
