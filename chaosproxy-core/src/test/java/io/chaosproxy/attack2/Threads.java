package io.chaosproxy.attack2;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;

/** The proxy threads alive now, and which of them were not alive at a baseline. */
final class Threads {
    private Threads() {
    }

    static Set<String> proxyThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("chaos-proxy")).collect(Collectors.toSet());
    }

    static Set<String> newSince(Set<String> baseline) {
        Set<String> now = new HashSet<>(proxyThreads());
        now.removeAll(baseline);
        return now;
    }
}
