package io.chaosproxy.cli.admin;

/**
 * What a handler answers: a status and a body, JSON unless a content type is given.
 *
 * @param status      the HTTP status
 * @param json        a value Jackson writes, or {@code null} for no body (204)
 * @param text        a plain body written as is, with {@code contentType}
 * @param contentType for {@code text} only
 */
record Response(int status, Object json, byte[] text, String contentType) {

    static Response json(int status, Object body) {
        return new Response(status, body, null, null);
    }

    static Response noContent() {
        return new Response(204, null, null, null);
    }

    static Response text(int status, byte[] body, String contentType) {
        return new Response(status, null, body, contentType);
    }
}
