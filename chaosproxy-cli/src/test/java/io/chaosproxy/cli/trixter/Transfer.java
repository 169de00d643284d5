package io.chaosproxy.cli.trixter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Everything read from a stream up to its end: the bytes, the size of each read, when the first and last came. */
record Transfer(byte[] bytes, List<Integer> reads, long firstNanos, long lastNanos) {

    static Transfer read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Integer> reads = new ArrayList<>();
        byte[] buffer = new byte[64 * 1024];
        long first = 0;
        long last = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            last = System.nanoTime();
            if (reads.isEmpty()) {
                first = last;
            }
            reads.add(n);
            all.write(buffer, 0, n);
        }
        return new Transfer(all.toByteArray(), reads, first, last);
    }

    /**
     * The rate from the first read to the last, not counting the first read's bytes: a limit's first portion
     * leaves at once, and the time before it (connect, the request) is no part of the limit.
     */
    double bytesPerSecond() {
        return (bytes.length - reads.get(0)) * 1e9 / (lastNanos - firstNanos);
    }
}
