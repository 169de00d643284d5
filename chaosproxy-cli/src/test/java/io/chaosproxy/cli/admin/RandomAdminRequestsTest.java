package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.cli.admin.AdminClient.Answer;
import io.chaosproxy.cli.admin.RandomAdminRequests.Call;
import io.chaosproxy.cli.admin.RandomAdminRequests.Ports;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A property over random request bodies against a running admin API with one proxy ({@code echo}, two toxics):
 * every answer is a 2xx, or a 4xx with Toxiproxy's error JSON that changed nothing (the proxies and their toxics
 * are as before); never a 5xx. After a 2xx the proxy is put back as it was, so each request meets the same state.
 * Each request has its own seed, printed with any failure so that it replays.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RandomAdminRequestsTest extends AdminServerFixture {
    private static final long SEED = 0xAD_1405L;
    private static final int TRIES = 300;

    private final RandomAdminRequests requests = new RandomAdminRequests();
    private List<Fault> echoFaults;

    @Test
    void everyAnswerIsASuccessOrAClientErrorThatChangedNothing() throws Exception {
        String baseline = createEcho();
        Random seeds = new Random(SEED);
        List<String> failures = new ArrayList<>();
        int changed = 0;
        for (int i = 0; i < TRIES; i++) {
            long seed = seeds.nextLong();
            Call call = requests.next(new Random(seed), ports(), upstream.address());
            Answer answer = api.send(call.method(), call.path(), call.body());
            String after = api.get("/proxies");
            String problem = problemWith(answer, baseline, after);
            if (problem != null) {
                failures.add("seed " + seed + "L (" + call.origin() + "): " + call.method() + " " + call.path() + " "
                        + call.bodyText() + "\n  -> " + problem);
            }
            if (!after.equals(baseline)) {
                changed++;
                baseline = restoreEcho();
            }
        }
        assertThat(failures).as("%d of %d requests failed", failures.size(), TRIES).isEmpty();
        // Neither side may be empty, or the requests test nothing: about a third change something.
        assertThat(changed).as("requests that changed something").isBetween(TRIES / 20, TRIES - TRIES / 20);
    }

    /** What is wrong with an answer, or null. */
    private static String problemWith(Answer answer, String before, String after) {
        int status = answer.status();
        if (status >= 200 && status < 300) {
            return null;
        }
        if (status < 400 || status >= 500) {
            return status + " " + answer.body();
        }
        JsonNode error = answer.json();
        if (error == null || !error.path("error").isTextual() || error.path("error").asText().isBlank()
                || error.path("status").asInt() != status) {
            return status + " without Toxiproxy's error JSON: " + answer.body();
        }
        return after.equals(before) ? null : status + " " + answer.body() + " but the proxies changed:\n  before "
                + before + "  after  " + after;
    }

    private Ports ports() {
        return new Ports(chaos.route("echo").localPort(), admin.address().getPort(), upstream.port());
    }

    /** The echo proxy with an upstream and a downstream toxic; returns {@code GET /proxies}. */
    private String createEcho() throws Exception {
        expectSuccess(api.call("POST", "/proxies", "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + upstream.address() + "\"}"));
        expectSuccess(api.call("POST", "/proxies/echo/toxics", "{\"name\":\"lat\",\"type\":\"latency\","
                + "\"stream\":\"upstream\",\"attributes\":{\"latency\":100,\"jitter\":10}}"));
        expectSuccess(api.call("POST", "/proxies/echo/toxics", "{\"name\":\"bw\",\"type\":\"bandwidth\","
                + "\"attributes\":{\"rate\":100}}"));
        echoFaults = chaos.route("echo").faults();
        return api.get("/proxies");
    }

    /** Puts back the echo proxy, through the Java API so that a broken admin API cannot hide in the setup. */
    private String restoreEcho() throws Exception {
        for (Route route : chaos.routes()) {
            chaos.removeRoute(route.name());
        }
        chaos.addRoute(0, upstream.address(), route -> {
            route.name("echo").resolveUpstreamOnConnect(true);
            echoFaults.forEach(route::fault);
        });
        return api.get("/proxies");
    }

    private static void expectSuccess(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isBetween(200, 299);
    }
}
