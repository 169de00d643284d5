package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A test client for the admin API over raw HTTP: every answer with its status, body and JSON. */
final class AdminClient {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;

    AdminClient(AdminServer admin) {
        this.url = admin.url();
    }

    /**
     * One answer.
     *
     * @param json the body as JSON, or {@code null} when it is empty or not JSON (metrics)
     */
    record Answer(int status, String body, JsonNode json) {
    }

    Answer call(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, path, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    /** One answer to a body of any bytes, UTF-8 or not. */
    Answer send(String method, String path, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = response.body().isEmpty() ? null : Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            // not JSON (metrics)
        }
        return new Answer(response.statusCode(), response.body(), json);
    }

    /** The body of a GET that must answer 200. */
    String get(String path) throws IOException, InterruptedException {
        Answer answer = call("GET", path, null);
        if (answer.status() != 200) {
            throw new AssertionError("GET " + path + " answered " + answer.status() + ": " + answer.body());
        }
        return answer.body();
    }
}
