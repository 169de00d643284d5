package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.chaosproxy.cli.admin.AdminClient.Answer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /proxies/{name}/profile}, and latency's distribution attributes, over raw HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProfileApiTest extends AdminServerFixture {

    private Answer call(String method, String path, String body) throws Exception {
        return api.call(method, path, body);
    }

    @Test
    void aProfileBecomesNamedToxicsThatAnotherReplacesAndDeleteRemoves() throws Exception {
        assertThat(call("POST", "/proxies", "{\"name\":\"app\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + upstream.address() + "\"}").status()).isEqualTo(201);
        call("POST", "/proxies/app/toxics", "{\"name\":\"mine\",\"type\":\"latency\",\"attributes\":{\"latency\":1}}");

        Answer slow = call("POST", "/proxies/app/profile", "{\"profile\":\"slow-3g\"}");
        assertThat(slow.status()).isEqualTo(200);
        assertThat(names(slow.json())).containsExactlyInAnyOrder("mine", "slow-3g:latency_downstream",
                "slow-3g:bandwidth_downstream", "slow-3g:latency_upstream", "slow-3g:bandwidth_upstream");
        JsonNode latency = call("GET", "/proxies/app/toxics/slow-3g:latency_downstream", null).json();
        assertThat(latency.get("attributes").get("latency").asLong()).isEqualTo(200);
        assertThat(call("GET", "/proxies/app/toxics/slow-3g:bandwidth_upstream", null).json()
                .get("attributes").get("rate").asLong()).isEqualTo(50);   // KB/s

        Answer satellite = call("POST", "/proxies/app/profile", "{\"profile\":\"satellite\"}");
        assertThat(names(satellite.json())).containsExactlyInAnyOrder("mine", "satellite:latency_downstream",
                "satellite:loss_downstream", "satellite:latency_upstream", "satellite:loss_upstream");

        assertThat(call("DELETE", "/proxies/app/profile", null).status()).isEqualTo(204);
        assertThat(names(call("GET", "/proxies/app/toxics", null).json())).containsExactly("mine");

        Answer unknown = call("POST", "/proxies/app/profile", "{\"profile\":\"5g\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("error").asText()).contains("\"5g\" is not a network profile",
                "slow-3g, fast-3g, dsl, satellite, flaky-wifi");
        assertThat(call("POST", "/proxies/nope/profile", "{\"profile\":\"dsl\"}").status()).isEqualTo(404);
    }

    @Test
    void latencyTakesADistributionCorrelationAndSigma() throws Exception {
        call("POST", "/proxies", "{\"name\":\"app\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + upstream.address() + "\"}");
        Answer pareto = call("POST", "/proxies/app/toxics", "{\"name\":\"p\",\"type\":\"latency\",\"attributes\":"
                + "{\"latency\":100,\"jitter\":20,\"distribution\":\"pareto\",\"correlation\":0.25}}");
        assertThat(pareto.status()).isEqualTo(200);
        assertThat(pareto.json().get("attributes").get("distribution").asText()).isEqualTo("pareto");
        assertThat(pareto.json().get("attributes").get("correlation").asDouble()).isEqualTo(0.25);
        Answer lognormal = call("POST", "/proxies/app/toxics", "{\"name\":\"l\",\"type\":\"latency\",\"attributes\":"
                + "{\"latency\":100,\"distribution\":\"lognormal\",\"sigma\":0.5}}");
        assertThat(lognormal.json().get("attributes").get("sigma").asDouble()).isEqualTo(0.5);
        Answer wrong = call("PATCH", "/proxies/app/toxics/l", "{\"attributes\":{\"jitter\":10}}");
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().get("error").asText()).contains("lognormal", "sigma");
    }

    private static List<String> names(JsonNode toxics) {
        List<String> names = new ArrayList<>();
        toxics.forEach(toxic -> names.add(toxic.get("name").asText()));
        return names;
    }
}
