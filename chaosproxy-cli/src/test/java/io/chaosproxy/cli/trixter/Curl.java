package io.chaosproxy.cli.trixter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a curl command line from Trixter's README with an HTTP client, so that a test can paste the README's
 * commands as they are: {@code -s}, {@code -i}, {@code -X}, {@code -H}, {@code -d} (a form content type unless a
 * header says otherwise, as curl does), {@code $VARIABLES}, backslash line breaks, a trailing {@code # comment} or
 * {@code | jq}. The API's address in the command ({@code localhost:8888}, {@code 127.0.0.1:8888}) becomes the one
 * the test's proxy got.
 */
final class Curl {
    private final String api;
    private final HttpClient http = HttpClient.newHttpClient();

    /** Commands sent to the API at {@code api}, e.g. {@code 127.0.0.1:43211}. */
    Curl(String api) {
        this.api = api;
    }

    HttpResponse<String> run(String command, Map<String, String> variables) throws IOException, InterruptedException {
        String line = command.replace("\\\n", " ");
        for (Map.Entry<String, String> variable : variables.entrySet()) {
            line = line.replace("$" + variable.getKey(), variable.getValue());
        }
        List<String> words = words(line);
        if (!words.get(0).equals("curl")) {
            throw new IllegalArgumentException("not a curl command: " + command);
        }
        String method = null;
        String body = null;
        String url = null;
        HttpRequest.Builder request = HttpRequest.newBuilder().timeout(Duration.ofSeconds(20));
        boolean contentType = false;
        for (int i = 1; i < words.size(); i++) {
            String word = words.get(i);
            switch (word) {
                case "-s", "-i" -> { }
                case "-X" -> method = words.get(++i);
                case "-H" -> {
                    String[] header = words.get(++i).split(":\\s*", 2);
                    request.header(header[0], header[1]);
                    contentType |= header[0].equalsIgnoreCase("Content-Type");
                }
                case "-d" -> body = words.get(++i);
                default -> {
                    if (word.startsWith("-")) {
                        throw new IllegalArgumentException("option " + word + " is not supported: " + command);
                    }
                    url = word;
                }
            }
        }
        if (body != null && !contentType) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        String target = (url.contains("://") ? url : "http://" + url)
                .replace("localhost:8888", api).replace("127.0.0.1:8888", api);
        method = method != null ? method : body != null ? "POST" : "GET";
        request.uri(URI.create(target)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The shell's words: single and double quotes kept together; a {@code #} comment or a pipe ends the line. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else if ((c == '#' || c == '|') && word == null) {
                break;
            } else {
                word = word == null ? new StringBuilder().append(c) : word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
