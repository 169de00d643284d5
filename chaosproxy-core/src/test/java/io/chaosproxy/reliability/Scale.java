package io.chaosproxy.reliability;

/**
 * How big the reliability runs are. {@code mvn verify} runs the short variant (a few minutes on 2 cores);
 * {@code mvn verify -Preliability} sets {@code chaosproxy.reliability.long=true} and runs the long one.
 */
final class Scale {
    static final boolean LONG = Boolean.getBoolean("chaosproxy.reliability.long");

    private Scale() {
    }

    /** {@code normal} in {@code mvn verify}, {@code longRun} in the reliability profile. */
    static long pick(long normal, long longRun) {
        return LONG ? longRun : normal;
    }

    static int pick(int normal, int longRun) {
        return LONG ? longRun : normal;
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
