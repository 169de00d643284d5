package io.chaosproxy;

import static io.chaosproxy.FaultTestSupport.payload;
import static io.chaosproxy.FaultTestSupport.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CorruptFaultTest {
    private static final int TRANSFERS = 5;
    private static final int SIZE = 256 * 1024;

    @Test
    void probabilityOneChangesEveryTransferByExactlyTheCountedBytes() throws Exception {
        byte[] data = payload(11, SIZE);
        try (TcpServer upstream = FaultTestSupport.sender(data, true);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .corrupt(1.0).start()) {
            long differing = 0;
            for (int i = 0; i < TRANSFERS; i++) {
                try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                    byte[] received = client.getInputStream().readAllBytes();
                    assertThat(received).as("transfer %d", i).hasSize(SIZE);
                    assertThat(sha256(received)).as("transfer %d", i).isNotEqualTo(sha256(data));
                    differing += differingBytes(data, received);
                }
            }
            long counted = differing;
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().activeConnections() == 0);
            assertThat(proxy.metrics().bytesCorrupted()).isPositive().isEqualTo(counted);
            assertThat(proxy.metrics().faultsInjected()).containsEntry("corrupt", counted);
        }
    }

    @Test
    void probabilityOneCorruptsTheUploadWhenAskedTo() throws Exception {
        byte[] data = payload(12, SIZE);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        try (TcpServer upstream = FaultTestSupport.receiver(received, new AtomicLong());
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .fault(Fault.corrupt(1.0).direction(Direction.UPSTREAM)).start();
                Socket client = Sockets.connect(proxy.routes().get(0))) {
            FaultTestSupport.sendAndReadAll(client, data);
            byte[] got = received.get(10, TimeUnit.SECONDS);

            assertThat(got).hasSize(SIZE);
            assertThat(sha256(got)).isNotEqualTo(sha256(data));
            assertThat(proxy.metrics().bytesCorrupted()).isPositive().isEqualTo(differingBytes(data, got));
        }
    }

    @Test
    void probabilityZeroChangesNothing() throws Exception {
        byte[] data = payload(13, SIZE);
        try (TcpServer upstream = FaultTestSupport.sender(data, true);
                ChaosProxy proxy = ChaosProxy.builder().seed(42).route(0, upstream.address())
                        .corrupt(0.0).start()) {
            for (int i = 0; i < TRANSFERS; i++) {
                try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                    byte[] received = client.getInputStream().readAllBytes();
                    assertThat(received).as("transfer %d", i).hasSize(SIZE);
                    assertThat(sha256(received)).as("transfer %d", i).isEqualTo(sha256(data));
                }
            }
            assertThat(proxy.metrics().bytesCorrupted()).isZero();
            assertThat(proxy.metrics().faultsInjected()).doesNotContainKey("corrupt");
        }
    }

    @Test
    void insertingSendsCountedRandomBytesAndEveryByteOfTheDataStillArrivesInOrder() throws Exception {
        byte[] data = payload(14, SIZE);
        List<String> inserted = new CopyOnWriteArrayList<>();
        try (TcpServer upstream = FaultTestSupport.sender(data, true);
                ChaosProxy proxy = ChaosProxy.builder().seed(42)
                        .listener(event -> {
                            if (event instanceof ChaosEvent.FaultInjected injected) {
                                inserted.add(injected.detail());
                            }
                        })
                        .route(0, upstream.address()).fault(Fault.corrupt(1.0).inserting()).start()) {
            byte[] received;
            try (Socket client = Sockets.connect(proxy.routes().get(0))) {
                received = client.getInputStream().readAllBytes();
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.metrics().activeConnections() == 0);

            long counted = proxy.metrics().bytesCorrupted();
            assertThat(counted).isPositive();
            assertThat(received).hasSize(SIZE + (int) counted);
            assertThat(isSubsequence(data, received)).as("the data, in order, among the inserted bytes").isTrue();
            assertThat(Arrays.copyOf(received, 16)).as("random bytes come first").isNotEqualTo(Arrays.copyOf(data, 16));
            await().atMost(Duration.ofSeconds(5)).until(() -> inserted.size()
                    == proxy.metrics().faultsInjected().getOrDefault("corrupt", 0L));
            assertThat(inserted).allMatch(detail -> detail.matches("bytes=\\d+ inserted"));
            assertThat(inserted.stream().mapToLong(detail -> Long.parseLong(detail.replaceAll("\\D", ""))).sum())
                    .as("inserted bytes reported").isEqualTo(counted);
            assertThat(proxy.metrics().bytesDownstream()).isEqualTo(received.length);
        }
    }

    /** Whether every byte of {@code data} is in {@code stream}, in order (the rest of the stream left out). */
    private static boolean isSubsequence(byte[] data, byte[] stream) {
        int matched = 0;
        for (int i = 0; i < stream.length && matched < data.length; i++) {
            if (stream[i] == data[matched]) {
                matched++;
            }
        }
        return matched == data.length;
    }

    private static long differingBytes(byte[] expected, byte[] actual) {
        long count = 0;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                count++;
            }
        }
        return count;
    }
}
