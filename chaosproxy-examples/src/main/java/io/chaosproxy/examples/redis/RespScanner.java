package io.chaosproxy.examples.redis;

/**
 * Follows a stream of RESP replies (Redis's protocol, RESP2 and RESP3) one byte at a time, to tell where each
 * top-level reply starts: a {@code +OK\r\n} inside a bulk string or an array is data, not a reply. Gives up
 * ({@link #lost()}) on bytes it does not understand, so that its user stops changing a stream it cannot follow.
 */
final class RespScanner {
    private enum State { TYPE, LINE, LENGTH, LENGTH_END, BODY, LOST }

    private State state = State.TYPE;
    private long pendingElements;   // elements of open arrays and maps still to come; 0: the next reply is top-level
    private int lengthFactor;       // what a length line counts: 0 bytes (a bulk string), 1 or 2 elements per entry
    private boolean negative;
    private long length;
    private int digits;
    private long bodyLeft;          // bytes of a bulk string still to come, its closing \r\n included

    /** Whether the scanner gave up on a byte that is not RESP; it then stays lost. */
    boolean lost() {
        return state == State.LOST;
    }

    /** Takes the next byte of the stream; returns whether it is the first byte of a top-level reply. */
    boolean next(byte b) {
        switch (state) {
            case TYPE:
                return type(b);
            case LINE:
                if (b == '\n') {
                    state = State.TYPE;
                }
                return false;
            case LENGTH:
                lengthByte(b);
                return false;
            case LENGTH_END:
                state = b != '\n' ? State.LOST : bodyLeft > 0 ? State.BODY : State.TYPE;
                return false;
            case BODY:
                if (--bodyLeft == 0) {
                    state = State.TYPE;
                }
                return false;
            default:
                return false;
        }
    }

    private boolean type(byte b) {
        boolean topLevel = pendingElements == 0;
        if (!topLevel) {
            pendingElements--;
        }
        switch (b) {
            case '+', '-', ':', '_', ',', '#', '(' -> state = State.LINE;   // simple values: one line each
            case '$', '!', '=' -> startLength(0);                          // strings that carry their length
            case '*', '~', '>' -> startLength(1);                          // arrays, sets, pushes
            case '%', '|' -> startLength(2);                               // maps and attributes: key and value
            default -> state = State.LOST;
        }
        return topLevel && state != State.LOST;
    }

    private void startLength(int factor) {
        state = State.LENGTH;
        lengthFactor = factor;
        negative = false;
        length = 0;
        digits = 0;
    }

    private void lengthByte(byte b) {
        if (b >= '0' && b <= '9' && digits < 18) {   // 18 digits cannot overflow a long
            length = length * 10 + (b - '0');
            digits++;
        } else if (b == '-' && digits == 0 && !negative) {
            negative = true;
        } else if (b == '\r' && digits > 0) {
            state = State.LENGTH_END;
            bodyLeft = 0;
            if (negative) {
                if (length != 1) {
                    state = State.LOST;   // only -1 (null) is a negative length
                }
            } else if (lengthFactor == 0) {
                bodyLeft = length + 2;
            } else if (length > (Long.MAX_VALUE / 4 - pendingElements) / lengthFactor) {
                state = State.LOST;
            } else {
                pendingElements += length * lengthFactor;
            }
        } else {
            state = State.LOST;   // a streamed string ("$?"), or not RESP
        }
    }
}
