package io.chaosproxy.cli.admin;

/**
 * {@code GET /version}: the Toxiproxy version whose API we speak (what clients compare against), and ours.
 */
final class VersionHandler extends Resource {
    /** The Toxiproxy release whose REST API this one follows. */
    static final String TOXIPROXY_API_VERSION = "2.12.0";

    @Override
    Response get(Request request) {
        var body = Json.objectNode();
        body.put("version", TOXIPROXY_API_VERSION);
        body.put("chaosproxy", AdminServer.version());
        return Response.json(200, body);
    }
}
