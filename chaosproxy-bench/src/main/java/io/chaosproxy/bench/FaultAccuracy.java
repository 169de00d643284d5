package io.chaosproxy.bench;

import io.chaosproxy.ChaosProxy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** How close latency and bandwidth faults come to what was asked, measured through real sockets. */
final class FaultAccuracy {
    private FaultAccuracy() {
    }

    /**
     * Added delay minus asked delay, p50 and p99, for 10 ms .. 1 s; idle, then with 1,000 connections open. The
     * open connections are held by a server without a thread per connection: a thousand blocked threads would
     * lengthen every GC pause of this JVM, and with it the delays measured.
     */
    static void latency() throws Exception {
        try (BenchServers echo = BenchServers.echo(); BenchServers hold = BenchServers.hold()) {
            double baseline = median(roundTrips(echo.port(), 500));
            for (int openConnections : new int[] {0, 1000}) {
                for (long millis : new long[] {10, 100, 1000}) {
                    try (ChaosProxy proxy = ChaosProxy.builder()
                            .route(0, echo.address()).name("delayed").latency(Duration.ofMillis(millis))
                            .route(0, hold.address()).name("idle")
                            .start()) {
                        List<Socket> idle = open(proxy.route("idle").localPort(), openConnections);
                        int samples = (int) Math.max(20, Math.min(300, 3000 / millis));
                        double[] rtt = roundTrips(proxy.route("delayed").localPort(), samples);
                        double[] error = Arrays.stream(rtt).map(r -> r - baseline - millis * 1e6).sorted().toArray();
                        System.out.printf("latency %5d ms, %4d connections open: added-delay error p50 %.2f ms,"
                                + " p99 %.2f ms (%d round trips, direct rtt %.3f ms)%n", millis, openConnections,
                                error[error.length / 2] / 1e6, error[(int) (error.length * 0.99)] / 1e6, samples,
                                baseline / 1e6);
                        for (Socket socket : idle) {
                            socket.setSoLinger(true, 0);   // an RST: the proxy resets the held upstream side too
                            socket.close();
                        }
                    }
                }
            }
        }
    }

    /** Rate over 5 s against the asked rate, 10 KB/s .. 100 MB/s. */
    static void bandwidth() throws Exception {
        try (BenchServers source = BenchServers.source()) {
            for (long rate : new long[] {10_000, 100_000, 1_000_000, 10_000_000, 100_000_000}) {
                try (ChaosProxy proxy = ChaosProxy.builder().route(0, source.address()).bandwidth(rate).start()) {
                    long size = rate * 5;
                    long start = System.nanoTime();
                    InProcessBench.download(proxy.routes().get(0).localPort(), size);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    double measured = size / seconds;
                    System.out.printf("bandwidth %,12d B/s: measured %,14.0f B/s over %.2f s, error %+.2f%%%n",
                            rate, measured, seconds, (measured - rate) * 100.0 / rate);
                }
            }
        }
    }

    private static List<Socket> open(int port, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sockets.add(new Socket(InetAddress.getLoopbackAddress(), port));
        }
        return sockets;
    }

    private static double[] roundTrips(int port, int count) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] ping = new byte[64];
            for (int i = 0; i < 5; i++) {
                roundTrip(out, in, ping);   // warm up
            }
            double[] nanos = new double[count];
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                roundTrip(out, in, ping);
                nanos[i] = System.nanoTime() - start;
            }
            return nanos;
        }
    }

    private static void roundTrip(OutputStream out, InputStream in, byte[] ping) throws IOException {
        out.write(ping);
        if (in.readNBytes(ping.length).length != ping.length) {
            throw new IOException("echo ended early");
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

}
