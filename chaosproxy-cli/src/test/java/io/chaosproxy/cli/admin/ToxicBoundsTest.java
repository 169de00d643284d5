package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.cli.admin.AdminClient.Answer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Toxic attributes past their maximum get a 400 naming the attribute and change nothing; never a 500. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ToxicBoundsTest extends AdminServerFixture {

    private void createEcho() throws Exception {
        Answer created = api.call("POST", "/proxies", "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + upstream.address() + "\"}");
        assertThat(created.status()).isEqualTo(201);
    }

    /** {@code method path body} answers 400 with {@code message} in its error, and the proxies are as before. */
    private void assertBadRequest(String method, String path, String body, String message) throws Exception {
        String before = api.get("/proxies");
        Answer answer = api.call(method, path, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).contains(message);
        assertThat(api.get("/proxies")).isEqualTo(before);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "latency     | {\"latency\":86400001}                  | latency 86400001ms is too long; at most 86400000ms (1 day)",
        "latency     | {\"latency\":9223372036854775807}       | latency 9223372036854775807ms is too long; at most 86400000ms (1 day)",
        "latency     | {\"latency\":86400000,\"jitter\":1}     | latency + jitter 86400001ms is too long; at most 86400000ms (1 day)",
        "latency     | {\"jitter\":-9223372036854775808}       | latency jitter -9223372036854775808ms is negative; use 0 or more",
        "latency     | {\"latency\":100000000000000000000}     | attributes.latency: 100000000000000000000 is too large; expected a whole number within 64 bits",
        "latency     | {\"latency\":1e20}                      | attributes.latency: 1.0E20 is too large; a fraction or exponent this large is not exact; write the digits",
        "timeout     | {\"timeout\":86400001}                  | timeout 86400001ms is too long",
        "reset_peer  | {\"timeout\":86400001}                  | resetPeer timeout 86400001ms is too long",
        "slow_close  | {\"delay\":86400001}                    | slowClose delay 86400001ms is too long",
        "max_lifetime | {\"lifetime\":86400001}               | maxLifetime 86400001ms is too long",
        "connect_delay | {\"delay\":86400001}                  | connectDelay 86400001ms is too long",
        "loss        | {\"probability\":0.1,\"retransmit_delay\":86400001} | loss retransmitDelay 86400001ms is too long",
        "slicer      | {\"average_size\":10,\"delay\":86400000001} | slicer delay PT24H0.000001S is too long",
        "slicer      | {\"average_size\":67108865}             | slicer average_size 67108865 bytes is outside 1..67108864",
        "slicer      | {\"average_size\":3000000000}           | average_size 3000000000 bytes is outside 1..67108864",
        "slicer      | {\"average_size\":10,\"size_variation\":-3000000000} | size_variation -3000000000 bytes is outside 0..67108864",
        "bandwidth   | {\"rate\":1000000001}                   | bandwidth rate 1000000001 KB/s is outside 0..1000000000",
        "bandwidth   | {\"rate\":9223372036854775807}          | bandwidth rate 9223372036854775807 KB/s is outside 0..1000000000",
        "bandwidth   | {\"rate\":-1}                           | bandwidth rate -1 KB/s is outside 0..1000000000",
        "limit_data  | {\"bytes\":-9223372036854775808}        | limit_data bytes -9223372036854775808 bytes is outside 0..9223372036854775807",
    })
    void outOfRangeAttributesAreBadRequests(String type, String attributes, String message) throws Exception {
        createEcho();
        assertBadRequest("POST", "/proxies/echo/toxics",
                "{\"type\":\"" + type + "\",\"attributes\":" + attributes + "}", message);
    }

    @Test
    void everyMaximumIsTaken() throws Exception {
        createEcho();
        String[] toxics = {
            "{\"type\":\"latency\",\"attributes\":{\"latency\":82800000,\"jitter\":3600000}}",
            "{\"type\":\"slicer\",\"attributes\":{\"average_size\":67108864,\"size_variation\":67108863,\"delay\":86400000000}}",
            "{\"type\":\"bandwidth\",\"attributes\":{\"rate\":1000000000}}",
            "{\"type\":\"limit_data\",\"attributes\":{\"bytes\":9223372036854775807}}",
            "{\"type\":\"max_lifetime\",\"attributes\":{\"lifetime\":86400000}}",
        };
        for (String toxic : toxics) {
            Answer answer = api.call("POST", "/proxies/echo/toxics", toxic);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        }
        assertThat(api.get("/proxies/echo/toxics/bandwidth_downstream")).contains("\"rate\":1000000000");
    }

    @Test
    void anUpdatePastAMaximumIsABadRequestAndKeepsTheToxic() throws Exception {
        createEcho();
        assertThat(api.call("POST", "/proxies/echo/toxics",
                "{\"type\":\"latency\",\"attributes\":{\"latency\":82800000}}").status()).isEqualTo(200);
        // Each alone is fine; with the latency it has, a jitter of an hour and a millisecond is not.
        assertBadRequest("PATCH", "/proxies/echo/toxics/latency_downstream", "{\"attributes\":{\"jitter\":3600001}}",
                "latency + jitter 86400001ms is too long; at most 86400000ms (1 day)");
        assertBadRequest("POST", "/proxies/echo/toxics/latency_downstream", "{\"attributes\":{\"latency\":1e19}}",
                "attributes.latency: 1.0E19 is too large");
    }

    @Test
    void aPopulateEntryWithAnOutOfRangeToxicIsABadRequestAndCreatesNothing() throws Exception {
        assertBadRequest("POST", "/populate", "[{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                        + upstream.address() + "\",\"toxics\":[{\"type\":\"slicer\",\"attributes\":"
                        + "{\"average_size\":2147483647,\"size_variation\":2147483646}}]}]",
                "slicer average_size 2147483647 bytes is outside 1..67108864");
        assertThat(api.get("/proxies")).isEqualTo("{}\n");
    }
}
