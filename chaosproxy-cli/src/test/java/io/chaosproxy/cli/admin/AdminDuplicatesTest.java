package io.chaosproxy.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.chaosproxy.Fault;
import io.chaosproxy.Route;
import io.chaosproxy.cli.admin.AdminClient.Answer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin API leaves names and ports to the proxy's one check and answers its verdict in Toxiproxy's terms:
 * a taken proxy or toxic name is a 409, a port another proxy has a 400 naming it; nothing changes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminDuplicatesTest extends AdminServerFixture {

    private String proxyBody(String name, int port, String toxics) {
        return "{\"name\":\"" + name + "\",\"listen\":\"127.0.0.1:" + port + "\",\"upstream\":\"" + upstream.address()
                + "\"" + (toxics == null ? "" : ",\"toxics\":" + toxics) + "}";
    }

    @Test
    void aTakenProxyNameIsA409AndChangesNothing() throws Exception {
        chaos.addRoute(0, upstream.address(), r -> r.name("echo"));
        String before = api.get("/proxies");
        Answer answer = api.call("POST", "/proxies", proxyBody("echo", 0, null));
        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.json().get("error").asText()).isEqualTo("proxy already exists");
        assertThat(api.get("/proxies")).isEqualTo(before);
    }

    @Test
    void aPortAnotherProxyHasIsA400NamingItEvenWhenThatProxyIsDown() throws Exception {
        Route down = chaos.addRoute(0, upstream.address(), r -> r.name("echo").enabled(false));   // port unbound
        String before = api.get("/proxies");
        Answer answer = api.call("POST", "/proxies", proxyBody("other", down.localPort(), null));
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).isEqualTo("route 'other': localPort " + down.localPort()
                + " is used by route 'echo' too; use another port or 0");
        assertThat(api.get("/proxies")).isEqualTo(before);
    }

    @Test
    void aTakenToxicNameIsA409InEveryWayToxicsArrive() throws Exception {
        Route echo = chaos.addRoute(0, upstream.address(),
                r -> r.name("echo").fault(Fault.latency(Duration.ofMillis(1)).named("t")));
        String before = api.get("/proxies");

        Answer one = api.call("POST", "/proxies/echo/toxics", "{\"name\":\"t\",\"type\":\"timeout\"}");
        assertThat(one.status()).isEqualTo(409);
        assertThat(one.json().get("error").asText()).isEqualTo("toxic already exists");

        String twice = "[{\"name\":\"x\",\"type\":\"latency\"},{\"name\":\"x\",\"type\":\"bandwidth\"}]";
        Answer created = api.call("POST", "/proxies", proxyBody("new", 0, twice));
        assertThat(created.status()).isEqualTo(409);
        assertThat(created.json().get("error").asText())
                .isEqualTo("toxic already exists: two toxics of proxy 'new' are named 'x'");

        Answer populated = api.call("POST", "/populate",
                "[" + proxyBody("echo", echo.localPort(), twice) + "]");   // kept proxy: its toxics are replaced
        assertThat(populated.status()).isEqualTo(409);
        assertThat(populated.json().get("error").asText())
                .isEqualTo("toxic already exists: two toxics of proxy 'echo' are named 'x'");

        assertThat(api.get("/proxies")).isEqualTo(before);
        assertThat(echo.faults()).containsExactly(Fault.latency(Duration.ofMillis(1)).named("t"));
    }
}
