package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.JournalExcerpt;
import io.chaosproxy.JournalEntry;

/**
 * {@code GET /journal[?since=mark]}: what the proxy did, oldest first, from {@code since} (default 0: all it holds),
 * with how many entries were dropped before they could be read and the {@code next} mark to ask from; the same shape
 * as the JUnit extension's journal files.
 */
final class JournalHandler extends Resource {
    private final ChaosProxy proxy;

    JournalHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response get(Request request) {
        JournalExcerpt part = proxy.journal().since(since(request.query().get("since")));
        ObjectNode body = Json.objectNode();
        ArrayNode entries = body.putArray("entries");
        for (JournalEntry e : part.entries()) {
            ObjectNode entry = entries.addObject();
            entry.put("seq", e.seq());
            entry.put("nanos", e.nanos());
            entry.put("route", e.route());
            if (e.hasConnection()) {
                entry.put("connection", e.connection());
            } else {
                entry.putNull("connection");
            }
            entry.put("kind", e.kind().wireName());
            entry.put("subject", e.subject());
            entry.put("detail", e.detail());
        }
        body.put("dropped", part.dropped());
        body.put("next", part.next());
        return Response.json(200, body);
    }

    private static long since(String value) {
        if (value == null) {
            return 0;
        }
        try {
            long mark = Long.parseLong(value.trim());
            if (mark >= 0) {
                return mark;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new ApiException(400, "since: \"" + value + "\" is not a mark; use 0 or the \"next\" of the last answer");
    }
}
