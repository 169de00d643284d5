package io.chaosproxy.bench;

import java.time.Duration;

/** What a soak runs: how long, how many connections at once, how much each sends, which seed, which faults. */
record SoakOptions(Duration duration, int connections, long maxBytes, long seed, boolean cuts, Duration hangAfter) {
    static final String USAGE = """
            usage: java -cp chaosproxy-bench.jar io.chaosproxy.bench.Soak [options]
              --minutes N        how long to run (default 1)
              --seconds N        the same in seconds, for quick runs
              --connections N    connections open at once (default 64)
              --max-mib N        the most one connection sends each way, in MiB (default 4)
              --seed N           seeds the fault schedule, the sizes and the bytes (default 1)
              --no-cuts          only faults that deliver every byte: no terminate, resetPeer, limitData or
                                 closeConnections()
              --hang-seconds N   a connection that moves no byte this long is a hang (default 30)""";

    static SoakOptions parse(String... args) {
        Duration duration = Duration.ofMinutes(1);
        int connections = 64;
        long maxBytes = 4L << 20;
        long seed = 1;
        boolean cuts = true;
        Duration hangAfter = Duration.ofSeconds(30);
        for (int i = 0; i < args.length; i++) {
            String option = args[i];
            if (option.equals("--no-cuts")) {
                cuts = false;
                continue;
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(option + ": missing value or unknown option; see usage");
            }
            String value = args[++i];
            switch (option) {
                case "--minutes" -> duration = Duration.ofMillis((long) (positive(option, value) * 60_000));
                case "--seconds" -> duration = Duration.ofMillis((long) (positive(option, value) * 1000));
                case "--connections" -> connections = (int) positive(option, value);
                case "--max-mib" -> maxBytes = (long) (positive(option, value) * (1 << 20));
                case "--seed" -> seed = parseLong(option, value);
                case "--hang-seconds" -> hangAfter = Duration.ofMillis((long) (positive(option, value) * 1000));
                default -> throw new IllegalArgumentException(option + ": unknown option; see usage");
            }
        }
        return new SoakOptions(duration, connections, maxBytes, seed, cuts, hangAfter);
    }

    private static double positive(String option, String value) {
        double number;
        try {
            number = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": \"" + value + "\" is not a number");
        }
        if (!(number > 0) || Double.isInfinite(number)) {
            throw new IllegalArgumentException(option + ": " + value + " is not positive; give a number above 0");
        }
        return number;
    }

    private static long parseLong(String option, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": \"" + value + "\" is not a whole number");
        }
    }
}
