package io.chaosproxy;

/**
 * Writes a journal excerpt as JSON, for files a CI keeps. Hand-written, as the core carries no JSON library and
 * the shape is fixed: numbers, and strings escaped by {@link #quote} (RFC 8259's rules).
 */
final class JournalJson {
    private JournalJson() {
    }

    static String of(JournalExcerpt excerpt) {
        StringBuilder json = new StringBuilder(excerpt.entries().size() * 160 + 48).append("{\"entries\":[");
        boolean first = true;
        for (JournalEntry e : excerpt.entries()) {
            json.append(first ? "\n" : ",\n");
            first = false;
            json.append("{\"seq\":").append(e.seq())
                    .append(",\"nanos\":").append(e.nanos())
                    .append(",\"route\":");
            quote(json, e.route());
            json.append(",\"connection\":").append(e.hasConnection() ? String.valueOf(e.connection()) : "null")
                    .append(",\"kind\":\"").append(e.kind().wireName()).append('"')
                    .append(",\"subject\":");
            quote(json, e.subject());
            json.append(",\"detail\":");
            quote(json, e.detail());
            json.append('}');
        }
        return json.append("],\"dropped\":").append(excerpt.dropped())
                .append(",\"next\":").append(excerpt.next()).append("}\n").toString();
    }

    /**
     * Appends {@code text} as a JSON string, {@code null} for null: quote and backslash escaped, control characters
     * (C0, DEL, C1), U+FFFE, U+FFFF and lone surrogates as {@code \n}-style or {@code \}{@code uXXXX} escapes;
     * everything else, surrogate pairs too, as it is.
     */
    static void quote(StringBuilder json, String text) {
        if (text == null) {
            json.append("null");
            return;
        }
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f && c <= 0x9f || c >= 0xfffe
                            || Character.isSurrogate(c) && !pairedAt(text, i)) {
                        // Valid JSON unescaped, but invisible or garbling in a terminal; and a lone surrogate is
                        // no valid UTF-8. YAML 1.2 readers, which read JSON, refuse them raw too.
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    /** Whether the surrogate at {@code i} is half of a well-formed pair (and so is written as it is). */
    private static boolean pairedAt(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}
