package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.chaosproxy.cli.admin.AdminClient.Answer;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /proxies/{name}/schedules}: play a config file's schedule as JSON, list the runs, cancel one. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminSchedulesTest extends AdminServerFixture {

    private int createEcho() throws Exception {
        Answer created = api.call("POST", "/proxies", "{\"name\":\"echo\",\"listen\":\"127.0.0.1:0\",\"upstream\":\""
                + upstream.address() + "\"}");
        assertThat(created.status()).isEqualTo(201);
        return Conn.portOf(created.json().get("listen").asText());
    }

    @Test
    void aScheduleIsPlayedListedAndCancelled() throws Exception {
        int port = createEcho();
        Answer played = api.call("POST", "/proxies/echo/schedules", """
                {"repeat": "forever", "length": "10s", "steps": [
                  {"at": "0s", "action": "disable"},
                  {"at": "5s", "action": "enable"}]}""");
        assertThat(played.status()).isEqualTo(201);
        assertThat(played.json().get("id").asLong()).isEqualTo(1);
        assertThat(played.json().get("state").asText()).isEqualTo("running");
        await().until(() -> !chaos.route("echo").isEnabled());
        try (Socket refused = new Socket(InetAddress.getLoopbackAddress(), port)) {
            throw new AssertionError("connected to a disabled route");
        } catch (ConnectException expected) {
            // the schedule took the route down
        }

        Answer listed = api.call("GET", "/proxies/echo/schedules", null);
        assertThat(listed.status()).isEqualTo(200);
        assertThat(listed.json()).hasSize(1);
        assertThat(listed.json().get(0).get("steps_done").asLong()).isEqualTo(1);
        assertThat(listed.json().get(0).get("last_step").get("step").asText()).isEqualTo("disable");
        assertThat(api.call("GET", "/proxies/echo/schedules/1", null).json().get("proxy").asText()).isEqualTo("echo");

        assertThat(api.call("DELETE", "/proxies/echo/schedules/1", null).status()).isEqualTo(204);
        assertThat(api.call("GET", "/proxies/echo/schedules", null).body()).isEqualTo("[]\n");
        assertThat(api.call("DELETE", "/proxies/echo/schedules/1", null).status()).isEqualTo(404);
        assertThat(chaos.route("echo").isEnabled()).isFalse();   // a cancel leaves what steps did
    }

    @Test
    void aBadScheduleIsA400ListingEveryProblemAndPlaysNothing() throws Exception {
        createEcho();
        Answer bad = api.call("POST", "/proxies/echo/schedules",
                "{\"steps\": [{\"at\": \"1s\", \"action\": \"pause\"}], \"repeat\": 0}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText())
                .contains("steps[0].action (line 1, column 35): \"pause\" is not an action")
                .contains("repeat (line 1, column 56): 0 is less than 1");
        assertThat(chaos.route("echo").scenarioRuns()).isEmpty();
        assertThat(api.call("POST", "/proxies/nope/schedules", "{}").status()).isEqualTo(404);
        assertThat(api.call("PATCH", "/proxies/echo/schedules", "{}").status()).isEqualTo(405);
    }

    @Test
    void deletingTheProxyCancelsItsSchedules() throws Exception {
        createEcho();
        api.call("POST", "/proxies/echo/schedules", "{\"repeat\": \"forever\", \"length\": \"50ms\", \"steps\":"
                + " [{\"at\": \"0s\", \"action\": \"close_connections\"}]}");
        var run = chaos.route("echo").scenarioRuns().get(0);
        await().until(() -> run.stepsDone() > 1);
        assertThat(api.call("DELETE", "/proxies/echo", null).status()).isEqualTo(204);
        assertThat(run.isCancelled()).isTrue();
    }
}
