package io.chaosproxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.JournalExcerpt;
import io.chaosproxy.JournalEntry;
import io.chaosproxy.JournalEntry.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalLogTest {

    @Test
    void pastItsSizeTheOldestAreDroppedAndCounted() {
        JournalLog log = new JournalLog(4, System.nanoTime());
        for (int i = 0; i < 10; i++) {
            log.add("db", i + 1, Kind.OPENED, null, "n" + i);
        }
        JournalExcerpt all = log.since(0);
        assertThat(all.entries()).extracting(JournalEntry::detail).containsExactly("n6", "n7", "n8", "n9");
        assertThat(all.dropped()).isEqualTo(6);
        assertThat(all.next()).isEqualTo(10);

        JournalExcerpt fromEight = log.since(8);
        assertThat(fromEight.entries()).extracting(JournalEntry::detail).containsExactly("n8", "n9");
        assertThat(fromEight.dropped()).isZero();
        assertThat(log.since(3).dropped()).isEqualTo(3);   // 3, 4, 5 are gone
        assertThat(log.since(10).entries()).isEmpty();
        assertThat(log.since(99).next()).isEqualTo(99);    // a mark from later: nothing, and no going back
    }

    @Test
    void anEmptyJournalHasNothingAndAnOffOneKeepsNothing() {
        JournalLog off = new JournalLog(0, 0);
        off.add("db", 1, Kind.OPENED, null, "");
        assertThat(off.enabled()).isFalse();
        assertThat(off.mark()).isZero();
        assertThat(off.since(0)).isEqualTo(new JournalExcerpt(List.of(), 0, 0));
    }

    @Test
    void writersOnManyThreadsEachGetTheirOwnPositionWhileAReaderFollows() throws Exception {
        JournalLog log = new JournalLog(1 << 16, System.nanoTime());
        int threads = 4;
        int each = 10_000;
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            writers.add(new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    log.add("r" + thread, i + 1, Kind.INJECTED, "f", "");
                }
            }));
        }
        writers.forEach(Thread::start);
        long seen = 0;
        while (seen < (long) threads * each) {
            JournalExcerpt part = log.since(seen);
            assertThat(part.dropped()).isZero();
            for (JournalEntry e : part.entries()) {
                assertThat(e.seq()).isEqualTo(seen++);
            }
        }
        for (Thread writer : writers) {
            writer.join();
        }
        List<JournalEntry> all = log.since(0).entries();
        assertThat(all).extracting(JournalEntry::seq)
                .containsExactlyElementsOf(LongStream.range(0, (long) threads * each).boxed().toList());
        for (int t = 0; t < threads; t++) {
            String route = "r" + t;
            assertThat(all).filteredOn(e -> e.route().equals(route)).extracting(JournalEntry::connection)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, each).boxed().toList());   // in order
        }
    }

    @Test
    void aWriterPreemptedBetweenItsPositionAndItsStoreNeverOverwritesANewerEntry() {
        JournalLog log = new JournalLog(2, 0);
        long slow = log.claim();   // preempted here...
        log.claim();
        long fast = log.claim();   // ...while another writer takes the same slot, two positions later, and stores
        log.store(new JournalEntry(fast, 0, "db", 3, Kind.OPENED, null, "fast"));
        log.store(new JournalEntry(slow, 0, "db", 1, Kind.OPENED, null, "slow"));   // too late: dropped already

        JournalExcerpt all = log.since(0);
        assertThat(all.entries()).isEmpty();   // position 1 is still being written: the read stops there
        assertThat(all.dropped()).isEqualTo(1);
        log.store(new JournalEntry(1, 0, "db", 2, Kind.OPENED, null, "middle"));
        assertThat(log.since(0).entries()).extracting(JournalEntry::detail).containsExactly("middle", "fast");
        assertThat(log.since(2).entries()).extracting(JournalEntry::detail).containsExactly("fast");
    }

    @Test
    void numbersReadAsAPersonWritesThem() {
        assertThat(JournalEvents.bytes(512)).isEqualTo("512 B");
        assertThat(JournalEvents.bytes(1229)).isEqualTo("1.2 KiB");
        assertThat(JournalEvents.bytes(3L << 20)).isEqualTo("3.0 MiB");
        assertThat(JournalEvents.duration(400_000)).isEqualTo("0.4 ms");
        assertThat(JournalEvents.duration(25_300_000)).isEqualTo("25 ms");
        assertThat(JournalEvents.address(new java.net.InetSocketAddress("::1", 5432))).isEqualTo("[0:0:0:0:0:0:0:1]:5432");
    }
}
