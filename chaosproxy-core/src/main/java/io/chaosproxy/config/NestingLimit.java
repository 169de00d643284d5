package io.chaosproxy.config;

import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.ParserException;
import org.snakeyaml.engine.v2.parser.Parser;

/**
 * Passes a parser's events on and stops at a list or object nested deeper than {@link #MAX_DEPTH}. The parser
 * keeps its own stack, but the composer that builds nodes from its events recurses once a level: a few thousand
 * brackets would overflow the thread's stack.
 */
final class NestingLimit implements Parser {
    /** Far above what a config needs: the document, routes, a route, faults, a fault, attributes: six levels. */
    static final int MAX_DEPTH = 50;

    private final Parser parser;
    private int depth;

    NestingLimit(Parser parser) {
        this.parser = parser;
    }

    @Override
    public Event next() {
        Event event = parser.next();
        if (event instanceof CollectionStartEvent && ++depth > MAX_DEPTH) {
            throw new ParserException("lists and objects nested more than " + MAX_DEPTH + " levels deep; a config"
                    + " needs six", event.getStartMark());
        }
        if (event instanceof CollectionEndEvent) {
            depth--;
        }
        return event;
    }

    @Override
    public boolean checkEvent(Event.ID id) {
        return parser.checkEvent(id);
    }

    @Override
    public Event peekEvent() {
        return parser.peekEvent();
    }

    @Override
    public boolean hasNext() {
        return parser.hasNext();
    }
}
