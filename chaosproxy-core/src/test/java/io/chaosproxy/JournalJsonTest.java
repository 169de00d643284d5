package io.chaosproxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.JournalEntry.Kind;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The JSON is read back with snakeyaml-engine: YAML 1.2 reads every JSON document, with JSON's escapes. */
class JournalJsonTest {

    @Test
    void anExcerptReadsBackWithEveryField() {
        var excerpt = new JournalExcerpt(List.of(
                new JournalEntry(7, 12_000_000, "db", 3, Kind.OPENED, null, "from 127.0.0.1:51234 to 127.0.0.1:5432"),
                new JournalEntry(8, 15_000_000, "db", 0, Kind.FAULT_REMOVED, "cut", "")), 7, 9);

        Map<?, ?> json = (Map<?, ?>) load(excerpt.toJson());

        assertThat(json.get("dropped")).isEqualTo(7);
        assertThat(json.get("next")).isEqualTo(9);
        List<?> entries = (List<?>) json.get("entries");
        Map<String, Object> first = new java.util.LinkedHashMap<>();
        first.put("seq", 7);
        first.put("nanos", 12_000_000);
        first.put("route", "db");
        first.put("connection", 3);
        first.put("kind", "opened");
        first.put("subject", null);
        first.put("detail", "from 127.0.0.1:51234 to 127.0.0.1:5432");
        assertThat(entries.get(0)).isEqualTo(first);
        Map<?, ?> second = (Map<?, ?>) entries.get(1);
        assertThat(second.get("connection")).isNull();
        assertThat(second.containsKey("connection")).isTrue();
        assertThat(second.get("subject")).isEqualTo("cut");
        assertThat(second.get("kind")).isEqualTo("fault_removed");
    }

    @Test
    void everyCharacterSurvivesQuoting() {
        StringBuilder all = new StringBuilder();
        for (int c = 0; c <= 0xFFFF; c++) {
            if (!Character.isSurrogate((char) c)) {
                all.append((char) c);
            }
        }
        all.append("\uD83D\uDE00 end");   // a pair, as it is
        assertThat(load(quoted(all.toString()))).isEqualTo(all.toString());
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 1000; i++) {
            String text = random.ints(20, 0, 0x10FFFF).filter(c -> c < 0xD800 || c > 0xDFFF).collect(StringBuilder::new, StringBuilder::appendCodePoint,
                    StringBuilder::append).toString();
            assertThat(load(quoted(text))).isEqualTo(text);
        }
    }

    @Test
    void quotesBackslashesControlsAndLoneSurrogatesAreEscaped() {
        assertThat(quoted("a\"b\\c\n\t\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\t\\u0001\"");
        assertThat(quoted("x\uD800y\u0085\uFFFF")).isEqualTo("\"x\\ud800y\\u0085\\uffff\"");
        assertThat(quoted("\uD83D\uDE00")).isEqualTo("\"\uD83D\uDE00\"");
        assertThat(quoted(null)).isEqualTo("null");
    }

    private static String quoted(String text) {
        StringBuilder json = new StringBuilder();
        JournalJson.quote(json, text);
        return json.toString();
    }

    private static Object load(String json) {
        return new Load(LoadSettings.builder().build()).loadFromString(json);
    }
}
