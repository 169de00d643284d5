package io.chaosproxy.cli.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.chaosproxy.ChaosProxy;
import io.chaosproxy.NetworkProfile;
import io.chaosproxy.Route;
import java.util.Set;

/**
 * {@code /proxies/{proxy}/profile}: puts a {@link NetworkProfile}'s faults on a proxy as toxics named
 * {@code <profile>:<type>_<stream>} ({@code POST {"profile":"slow-3g"}}, replacing a profile applied before; 200
 * with the proxy's toxics), or takes them away ({@code DELETE}, 204). Not in Toxiproxy, whose clients never call it.
 */
final class ProfileHandler extends Resource {
    private final ChaosProxy proxy;

    ProfileHandler(ChaosProxy proxy) {
        this.proxy = proxy;
    }

    @Override
    Response post(Request request) {
        Route route = Proxies.route(proxy, request.param(0));
        ObjectNode body = Json.object(request.body(), Set.of("profile"));
        String id = Json.text(body, "profile", "");
        if (id == null) {
            throw ApiException.badRequest("bad request body: profile is missing; expected one of "
                    + NetworkProfile.ids());
        }
        NetworkProfile profile = NetworkProfile.named(id).orElseThrow(() -> ApiException.badRequest(
                "bad request body: profile \"" + id + "\" is not a network profile; expected one of "
                        + NetworkProfile.ids()));
        route.applyProfile(profile);
        return Response.json(200, ProxySpec.toxicsJson(route));
    }

    @Override
    Response delete(Request request) {
        Proxies.route(proxy, request.param(0)).removeProfile();
        return Response.noContent();
    }
}
