package io.chaosproxy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderTest {

    @Test
    void readsBackWhatWasWritten() {
        Header header = new Header(17, 1 << 20, 12345);
        assertThat(Header.decode(header.encode(9), 9)).isEqualTo(header);
    }

    @Test
    void aChangedByteFailsTheCheck() {
        byte[] bytes = new Header(17, 1 << 20, 12345).encode(9);
        bytes[Header.LENGTH - 12]++;
        assertThat(Header.decode(bytes, 9)).isNull();
    }

    @Test
    void tellsAStrangersFirstBytesFromASoakHeader() {
        byte[] soak = new Header(1, 2, 3).encode(9);
        assertThat(Header.couldBegin(soak, 3)).isTrue();
        assertThat(Header.couldBegin(soak, Header.LENGTH)).isTrue();
        assertThat(Header.couldBegin("GET / HTTP/1.1".getBytes(StandardCharsets.US_ASCII), 14)).isFalse();
    }
}
