package io.chaosproxy.cli.admin;

import java.util.List;
import java.util.Map;

/**
 * One admin request, as a handler sees it.
 *
 * @param method     the HTTP method, upper case
 * @param pathParams the variable path segments, in order ({@code /proxies/{name}/toxics/{toxic}} gives two)
 * @param query      the query parameters, decoded
 * @param body       the body, read whatever the content type says (Toxiproxy's Java client sends a form type)
 */
record Request(String method, List<String> pathParams, Map<String, String> query, byte[] body) {

    String param(int index) {
        return pathParams.get(index);
    }
}
