package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.cli.admin.AdminClient.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code GET /journal?since=}: what the proxy did, read in parts, through real sockets. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JournalApiTest extends AdminServerFixture {

    @Test
    void theJournalIsReadInPartsFromEachAnswersNextMark() throws Exception {
        Answer created = api.call("POST", "/proxies",
                "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + upstream.address() + "\"}");
        int port = Conn.portOf(created.json().get("listen").asText());
        api.call("POST", "/proxies/echo/toxics", "{\"name\":\"lag\",\"type\":\"latency\",\"attributes\":{\"latency\":5}}");
        try (Conn conn = new Conn(port)) {
            conn.roundTrip("hello");
        }
        await().until(() -> kinds(api.call("GET", "/journal", null).json()).contains("closed"));

        JsonNode first = api.call("GET", "/journal", null).json();
        assertThat(kinds(first)).containsExactly("route_added", "fault_added", "opened", "injected", "closed");
        JsonNode closed = first.get("entries").get(4);
        assertThat(closed.get("route").asText()).isEqualTo("echo");
        assertThat(closed.get("connection").asLong()).isEqualTo(1);
        assertThat(closed.get("detail").asText()).contains("5 B up, 5 B down");
        assertThat(first.get("entries").get(0).get("connection").isNull()).isTrue();
        assertThat(first.get("dropped").asLong()).isZero();
        assertThat(first.get("next").asLong()).isEqualTo(5);

        api.call("DELETE", "/proxies/echo/toxics/lag", null);
        JsonNode later = api.call("GET", "/journal?since=" + first.get("next").asLong(), null).json();
        assertThat(kinds(later)).containsExactly("fault_removed");
        assertThat(later.get("entries").get(0).get("subject").asText()).isEqualTo("lag");
        assertThat(later.get("next").asLong()).isEqualTo(6);
    }

    @Test
    void aMarkThatIsNoNumberIsA400() throws Exception {
        Answer answer = api.call("GET", "/journal?since=soon", null);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText())
                .isEqualTo("since: \"soon\" is not a mark; use 0 or the \"next\" of the last answer");
    }

    private static List<String> kinds(JsonNode journal) {
        List<String> kinds = new ArrayList<>();
        journal.get("entries").forEach(e -> kinds.add(e.get("kind").asText()));
        return kinds;
    }
}
